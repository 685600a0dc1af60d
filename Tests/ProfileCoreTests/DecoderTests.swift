import Foundation
import ProfileCore
import Testing

@Suite struct DecoderTests {
    let now = DecoderFixtures.now

    func decode(_ yaml: String, file: String = "p.yaml", files: [String: [UInt8]] = [:]) -> DecodeResult {
        DesiredStateDecoder.decode(file: file, bytes: Array(yaml.utf8), now: now, files: InMemoryFiles(files))
    }

    @Test func fullFileDecodesToTypedState() throws {
        let result = DecoderFixtures.decode("valid-full.yaml")
        let desired = try #require(result.desired)
        let status = try #require(desired.status.value)
        #expect(status.emoji == "🏖️")
        #expect(status.title == "В отпуске")
        #expect(status.isAway)
        #expect(status.awayMessage == "Я в отпуске до 10 марта")
        #expect(Timestamp.canonical(try #require(status.expiresAt)) == "2030-03-10T20:59:59.000Z")
        let avatar = try #require(desired.avatar.value)
        #expect(avatar.declaredPath == "images/me.png")
        #expect(avatar.resolvedPath == "decoder/images/me.png")
        #expect(avatar.format == .png)
        let bytes = try Data(contentsOf: DecoderFixtures.root.appendingPathComponent("decoder/images/me.png"))
        #expect(avatar.byteCount == bytes.count)
        #expect(avatar.sha256 == SHA256.hex(Array(bytes)))
        #expect(desired.file == "decoder/valid-full.yaml")
    }

    @Test func absentAndNullAreDistinct() throws {
        let nulls = try #require(decode("status: null\navatar: null\n").desired)
        #expect(nulls.status == .none)
        #expect(nulls.avatar == .none)
        let absent = try #require(decode("status: {emoji: \"🙂\", title: t}\n").desired)
        #expect(absent.avatar == .unmanaged)
        #expect(absent.status.isManaged)
        let tilde = try #require(decode("status: ~\n").desired)
        #expect(tilde.status == .none)
    }

    @Test func defaultsAndEmptyAwayMessage() throws {
        let d = try #require(decode("status:\n  emoji: \"🙂\"\n  title: Hi\n  away_message: \"\"\n  expires_at: null\n").desired)
        let s = try #require(d.status.value)
        #expect(s.isAway == false)
        #expect(s.awayMessage == nil)
        #expect(s.expiresAt == nil)
    }

    @Test func emptyFileIsValidWithWarning() {
        for text in ["", "\n", "# only a comment\n", "---\n", "~\n"] {
            let r = decode(text)
            #expect(r.desired == DesiredState(file: "p.yaml"), "\(text.debugDescription)")
            #expect(r.diagnostics.map(\.severity) == [.warning], "\(text.debugDescription)")
            #expect(r.diagnostics.first?.message.hasPrefix("nothing is managed") == true)
        }
    }

    @Test(arguments: ["yes", "no", "on", "off", "y", "n", "Yes", "ON", "Off"])
    func yaml11BooleansAreRefused(_ word: String) {
        let r = decode("status:\n  emoji: \"🙂\"\n  title: t\n  is_away: \(word)\n")
        #expect(r.desired == nil)
        #expect(r.diagnostics.count == 1)
        #expect(r.diagnostics.first?.message == "expected true or false (got '\(word)')")
        #expect(r.diagnostics.first?.notes.first?.contains("write true or false") == true)
        #expect(r.diagnostics.first.map { [$0.line, $0.column] } == [4, 12])
    }

    @Test(arguments: ["true", "True", "TRUE", "false"])
    func coreBooleansAreAccepted(_ word: String) throws {
        let d = try #require(decode("status:\n  emoji: \"🙂\"\n  title: t\n  is_away: \(word)\n").desired)
        #expect(d.status.value?.isAway == (word.lowercased() == "true"))
    }

    @Test(arguments: ["🏖️", "🏖", "👨‍👩‍👧‍👦", "🇷🇺", "1️⃣", "#️⃣", "👍🏽", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "❤️", "☀", "©️", "🧑🏻‍💻"])
    func emojiAccepted(_ emoji: String) throws {
        let d = try #require(decode("status: {emoji: \"\(emoji)\", title: t}\n").desired, "\(emoji)")
        #expect(d.status.value?.emoji == emoji)
    }

    @Test(arguments: ["ok", ":smile:", "🙂🙂", "1", "#", "a🙂", "🙂 ", "Ж", "\u{200D}", "\u{FE0F}"])
    func emojiRefused(_ text: String) {
        let r = decode("status: {emoji: \"\(text)\", title: t}\n")
        #expect(r.desired == nil, "\(text.debugDescription)")
        #expect(r.diagnostics.first?.path == "status.emoji")
    }

    @Test func lengthsCountCodePoints() {
        // 50 scalars that are 25 grapheme clusters (e + combining acute): still 50.
        let combining = String(repeating: "e\u{301}", count: 25)
        #expect(decode("status: {emoji: \"🙂\", title: \"\(combining)\"}\n").desired != nil)
        #expect(decode("status: {emoji: \"🙂\", title: \"\(combining)x\"}\n").diagnostics.first?.message == "at most 50 characters (got 51)")
        let ok = String(repeating: "ы", count: 1024)
        #expect(decode("status: {emoji: \"🙂\", title: t, is_away: true, away_message: \"\(ok)\"}\n").desired != nil)
    }

    @Test func timestampsNormalizeToUTC() throws {
        for (text, canonical) in [
            ("2025-03-10T23:59:59+03:00", "2025-03-10T20:59:59.000Z"),
            ("2025-03-10T20:59:59Z", "2025-03-10T20:59:59.000Z"),
            ("2025-03-10t20:59:59.250z", "2025-03-10T20:59:59.250Z"),
            ("2025-03-10T00:30:00-05:30", "2025-03-10T06:00:00.000Z"),
            ("2024-02-29T12:00:00+0100", "2024-02-29T11:00:00.000Z"),
            ("2030-12-31T23:59:59.999+00:00", "2030-12-31T23:59:59.999Z"),
        ] {
            let d = try #require(decode("status: {emoji: \"🙂\", title: t, expires_at: \(text)}\n").desired, "\(text)")
            #expect(Timestamp.canonical(try #require(d.status.value?.expiresAt)) == canonical, "\(text)")
        }
    }

    @Test func timestampParserRefusesAmbiguity() {
        #expect(throws: Timestamp.ParseError.bareDate) { try Timestamp.parse("2025-03-10") }
        #expect(throws: Timestamp.ParseError.missingOffset) { try Timestamp.parse("2025-03-10T10:00:00") }
        #expect(throws: Timestamp.ParseError.missingOffset) { try Timestamp.parse("2025-03-10T10:00:00.5") }
        #expect(throws: Timestamp.ParseError.outOfRange("hour")) { try Timestamp.parse("2025-03-10T24:00:00Z") }
        #expect(throws: Timestamp.ParseError.outOfRange("day")) { try Timestamp.parse("2023-02-29T00:00:00Z") }
        #expect(throws: Timestamp.ParseError.malformed) { try Timestamp.parse("2025-03-10 10:00:00Z") }
        #expect(throws: Timestamp.ParseError.malformed) { try Timestamp.parse("10/03/2025") }
        #expect(throws: Timestamp.ParseError.malformed) { try Timestamp.parse("2025-03-10T10:00:00Z junk") }
    }

    @Test func canonicalAgreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let seconds = Double(rng.next() % 4_102_444_800)  // 1970…2100
            let date = Date(timeIntervalSince1970: seconds)
            let text = Timestamp.canonical(date)
            #expect(text == formatter.string(from: date))
            #expect(try Timestamp.parse(text) == date)
        }
    }

    @Test func pastExpiryIsAWarningRelativeToNow() {
        let yaml = "status: {emoji: \"🙂\", title: t, expires_at: 2026-06-01T12:00:01Z}\n"
        #expect(decode(yaml).diagnostics.isEmpty)
        let later = DesiredStateDecoder.decode(file: "p.yaml", bytes: Array(yaml.utf8), now: now.addingTimeInterval(2), files: InMemoryFiles())
        #expect(later.desired != nil)
        #expect(later.diagnostics.map(\.severity) == [.warning])
        #expect(later.diagnostics.first?.path == "status.expires_at")
    }

    @Test func avatarResolvesRelativeToTheYAMLFile() throws {
        let png = try Data(contentsOf: DecoderFixtures.root.appendingPathComponent("decoder/images/me.png"))
        let files = ["profiles/../avatars/me.png": Array(png), "/abs/me.png": Array(png), "me.png": Array(png)]
        #expect(decode("avatar: ../avatars/me.png\n", file: "profiles/me.yaml", files: files).desired?.avatar.value?.resolvedPath
                == "profiles/../avatars/me.png")
        #expect(decode("avatar: /abs/me.png\n", file: "profiles/me.yaml", files: files).desired?.avatar.value?.resolvedPath == "/abs/me.png")
        #expect(decode("avatar: ./me.png\n", file: "me.yaml", files: files).desired?.avatar.value?.resolvedPath == "me.png")
        #expect(DesiredStateDecoder.resolve(avatarPath: "a//b/./c.png", relativeTo: "/x/y.yaml") == "/x/a/b/c.png")
    }

    @Test func avatarSizeIsBounded() {
        let big = [UInt8](repeating: 0, count: DesiredStateDecoder.maxAvatarBytes + 1)
        let r = decode("avatar: big.png\n", files: ["big.png": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + big])
        #expect(r.desired == nil)
        #expect(r.diagnostics.first?.message == "the image is too large: at most \(10 << 20) bytes (got \(big.count + 8))")
    }

    @Test func unreadableFilesAreDiagnostics() {
        struct Refusing: FileReading {
            func readFile(atPath path: String, maxBytes: Int) -> FileReadResult { .unreadable(reason: "permission denied") }
        }
        let r = DesiredStateDecoder.decode(file: "p.yaml", now: now, files: Refusing())
        #expect(r.desired == nil)
        #expect(r.diagnostics == [Diagnostic(severity: .error, file: "p.yaml", line: 0, column: 0,
                                             message: "cannot read the file: permission denied")])
        let missing = DesiredStateDecoder.decode(file: "nope.yaml", now: now, files: InMemoryFiles())
        #expect(missing.diagnostics.first?.message == "cannot read the file: no such file")
    }

    @Test func yamlLimitsSurfaceAsDiagnostics() {
        let huge = DesiredStateDecoder.decode(file: "p.yaml", bytes: [UInt8](repeating: 0x20, count: DesiredStateDecoder.maxFileBytes + 1),
                                              now: now, files: InMemoryFiles())
        #expect(huge.desired == nil)
        #expect(huge.diagnostics.first?.message.hasPrefix("file is too large") == true)
        let twoDocs = decode("status: null\n---\navatar: null\n")
        #expect(twoDocs.desired == nil)
        #expect(twoDocs.diagnostics.first.map { [$0.line, $0.column] } == [2, 1])
    }

    @Test func explicitStringTagMakesText() throws {
        let d = try #require(decode("status: {emoji: \"🙂\", title: !!str 2024}\n").desired)
        #expect(d.status.value?.title == "2024")
    }

    @Test func didYouMeanIsNearestOnly() {
        let r = decode("avatr: null\nStatus: null\nis_away: true\n")
        #expect(r.diagnostics.map(\.notes) == [["did you mean 'avatar'?"], ["did you mean 'status'?"], ["known keys: version, user, select, include, status, avatar, person, timezone, schedule, on_manual_change"]])
    }
}

/// A tiny deterministic generator, so randomized tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
