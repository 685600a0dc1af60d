import Foundation
import ProfileCore
import Testing

/// Property: any input either decodes or yields diagnostics (with sane marks) — never a
/// crash or hang. Seeded, so a failure repeats. `FUZZ_ITERATIONS=1000000 swift test
/// --filter DecoderFuzzTests` runs a long campaign; the default keeps `make test` fast.
@Suite struct DecoderFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"] ?? "") ?? 20_000
    static let seed = UInt64(ProcessInfo.processInfo.environment["FUZZ_SEED"] ?? "") ?? 0x5EED

    /// The repository's example profiles, plus a few hostile seeds, as mutation material.
    static func corpus() -> [[UInt8]] {
        let profiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../profiles").standardizedFileURL
        var seeds: [[UInt8]] = ((try? FileManager.default.contentsOfDirectory(atPath: profiles.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
            .compactMap { FileManager.default.contents(atPath: profiles.appendingPathComponent($0).path).map(Array.init) }
        seeds += [
            "status:\n  emoji: \"🏖️\"\n  title: &t \"В отпуске\"\n  is_away: true\n  away_message: *t\n  expires_at: 2030-03-10T23:59:59+03:00\navatar: avatars/me.png\n",
            "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\n",
            "{status: {emoji: '🙂', title: \"t\"}, avatar: null}\n",
            "status: |\n  block\n  text\n---\nx: !!str 1\n",
        ].map { Array($0.utf8) }
        return seeds
    }

    static let dictionary: [[UInt8]] = [
        "&a ", "*a", "[", "]", "{", "}", ": ", "- ", "\n", "\r\n", "\t", "'", "\"", "---\n", "...", "!!str ", "!x ", "|", ">",
        "#", "? ", ",", "yes", "null", "~", "token: x\n", "\u{FEFF}", "🙂", "\u{200D}", "2025-03-10T23:59:59Z", "\\",
        "%YAML 1.2\n", "<<: *a", "\u{0}",
    ].map { Array($0.utf8) }

    @Test func anyInputLoadsOrYieldsDiagnostics() {
        var rng = SplitMix64(seed: Self.seed)
        let corpus = Self.corpus()
        let files = InMemoryFiles(["avatars/me.png": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]])
        let now = DecoderFixtures.now
        let started = Date()
        var valid = 0
        for i in 0..<Self.iterations {
            let input = i % 10 == 0 ? randomBytes(&rng) : mutate(corpus[Int(rng.next() % UInt64(corpus.count))], &rng)
            let result = DesiredStateDecoder.decode(file: "fuzz.yaml", bytes: input, now: now, files: files)
            if result.desired != nil { valid += 1 }
            let ok = (result.desired == nil) == result.diagnostics.hasErrors
                && result.diagnostics.allSatisfy { $0.line >= 0 && $0.column >= 0 && !$0.message.isEmpty && ($0.line == 0) == ($0.column == 0) }
            if !ok {
                Issue.record("input #\(i) broke the property: \(input)")
                return
            }
        }
        let seconds = Date().timeIntervalSince(started)
        // Mutations of valid files must stay valid often enough to exercise the decoder, not only the parser.
        #expect(valid > 0)
        // Bounded time: the budget is generous, a hang would blow it by orders of magnitude.
        #expect(seconds < Double(Self.iterations) * 0.005 + 30)
        if ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"] != nil {
            FileHandle.standardError.write(Data("fuzz: \(Self.iterations) inputs, \(valid) valid, \(String(format: "%.1f", seconds)) s\n".utf8))
        }
    }

    func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<Int(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    func mutate(_ seed: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0...(rng.next() % 4) {
            let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1))
            switch rng.next() % 6 {
            case 0 where !bytes.isEmpty && at < bytes.count: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 1 where at < bytes.count: bytes.remove(at: at)
            case 2: bytes.insert(contentsOf: Self.dictionary[Int(rng.next() % UInt64(Self.dictionary.count))], at: at)
            case 3 where at < bytes.count:
                let end = min(bytes.count, at + Int(rng.next() % 16))
                bytes.insert(contentsOf: bytes[at..<end], at: min(bytes.count, end + Int(rng.next() % 8)))
            case 4 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 12)))
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
        }
        return bytes
    }
}
