import Foundation
import ProfileCore
import Testing

/// Property (issue 10): whatever text the server sends — control characters, quotes, `#`,
/// `: `, line breaks, YAML words, replaced surrogates — `export` writes a file that loads back
/// to exactly the live values, and planning it against the same live state changes nothing.
@Suite struct ExportPropertyTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["EXPORT_ITERATIONS"] ?? "") ?? 3_000

    static let pieces: [String] = [
        "\n", "\r", "\r\n", "\t", "\u{0}", "\u{1}", "\u{1B}", "\u{1B}]0;pwned\u{7}", "\u{1B}[2K", "\u{7F}", "\u{85}", "\u{9B}",
        "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{202E}", "\u{2066}", "\u{200D}", "\u{FFFD}", "\u{FE0F}",
        "\"", "'", "\\", "#", "# ", ": ", ":", "- ", "-", "?", "&a", "*a", "!", "!!str", "%", "@", "`", "|", ">", "{", "}",
        "[", "]", ",", "~", "null", "true", "no", "0x1F", "1e3", "---", "...", "avatar: null", " ", "  ",
        "В отпуске", "日本", "🏖️", "👩‍💻", "a", "Z", "::error::x", "%0A",
    ]
    static let emoji = ["🏖️", "💻", "🙂", "👩‍💻", "🇷🇺", "1️⃣", "👍🏽"]

    static func randomText(_ rng: inout SplitMix64, maxScalars: Int, minScalars: Int = 0) -> String {
        var text = ""
        let pieces = Int.random(in: 0...12, using: &rng)
        for _ in 0..<pieces { text += Self.pieces.randomElement(using: &rng)! }
        var scalars = Array(text.unicodeScalars.prefix(maxScalars))
        while scalars.count < minScalars { scalars.append("x") }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    @Test func randomServerTextRoundTripsThroughExport() throws {
        var rng = SplitMix64(seed: 0xE4_9081)
        let now = try Timestamp.parse("2026-06-01T12:00:00Z")
        for iteration in 0..<Self.iterations {
            let status: StatusFields? = Bool.random(using: &rng) || iteration == 0 ? StatusFields(
                emoji: Self.emoji.randomElement(using: &rng)!,
                title: Self.randomText(&rng, maxScalars: DesiredStateDecoder.maxTitleLength, minScalars: 1),
                isAway: Bool.random(using: &rng),
                awayMessage: Bool.random(using: &rng) ? Self.randomText(&rng, maxScalars: 1024) : nil,
                expiresAt: Bool.random(using: &rng) ? now.addingTimeInterval(Double(Int.random(in: 1...9_999_999, using: &rng))) : nil)
                : nil
            let owner = ProfileOwner(id: Int.random(in: 1...99_999, using: &rng),
                                     firstName: iteration == 0 ? "Ho\navatar: null\n#" : Self.randomText(&rng, maxScalars: 80),
                                     lastName: Self.randomText(&rng, maxScalars: 80),
                                     nickname: Self.randomText(&rng, maxScalars: 40))
            let live = LiveState(owner: owner, status: status, avatarURL: "https://files.example/a.png")
            let avatar: DesiredStateExport.Avatar = [.unmanaged, .none, .path(["me.png", "avatars/a b.png", "x: y #1.png", "'q\".png", "null", "true"].randomElement(using: &rng)!)]
                .randomElement(using: &rng)!
            let text = try DesiredStateExport.render(live: live, avatar: avatar, now: now)

            // One comment line, then the document; nothing from the server starts a line.
            // Split on bytes: a line starting with a combining mark is still a line.
            let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            #expect(lines.first?.utf8.starts(with: "# Exported from Pachca: ".utf8) == true, "\(text.debugDescription)")
            #expect(lines.dropFirst().allSatisfy { $0.isEmpty || $0.hasPrefix("version:") || $0.hasPrefix("status:") || $0.hasPrefix("avatar:") || $0.hasPrefix("  ") },
                    "\(text.debugDescription)")

            // Nothing invisible or controlling reaches a terminal that shows the file.
            #expect(text.unicodeScalars.allSatisfy { InertText.isInert($0) || $0 == "\n" }, "\(text.debugDescription)")

            var files = InMemoryFiles()
            if case .path(let path) = avatar {
                files.files[DesiredStateDecoder.resolve(avatarPath: path, relativeTo: "me.yaml")] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
            }
            let result = DesiredStateDecoder.decode(file: "me.yaml", bytes: Array(text.utf8), now: now, files: files)
            let errors = result.diagnostics.filter { $0.severity == .error }
            guard let desired = result.desired, errors.isEmpty else {
                Issue.record("export did not re-load: \(errors.map(\.message)) in \(text.debugDescription)")
                return
            }
            switch (desired.status, status) {
            case (.value(let loaded), let original?): #expect(loaded == original, "\(text.debugDescription)")
            case (.none, nil): break
            default: Issue.record("status changed on the way: \(desired.status) vs \(String(describing: status))")
            }
            switch (desired.avatar, avatar) {
            case (.unmanaged, .unmanaged), (.none, .none): break
            case (.value(let file), .path(let path)): #expect(file.declaredPath == path)
            default: Issue.record("avatar changed on the way: \(desired.avatar) vs \(avatar)")
            }
            if avatar != .none {  // `avatar: null` against a live avatar is a delete, by design
                let plan = Differ.plan(desired: desired, live: live,
                                       avatar: AvatarAssessment(inSync: true, evidence: .stateRecord), now: now)
                #expect(!plan.hasChanges, "\(plan.changes) for \(text.debugDescription)")
            }
        }
    }

    @Test func commentsAreOnePrintableLine() {
        let line = YAMLEmitterProbe.comment("Ho\navatar: null\n#\u{1B}]0;x\u{7}\u{202E}\r")
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1B}") && !line.contains("\u{202E}"))
        #expect(line.hasPrefix("# Ho\\u000Aavatar: null"))
    }
}

import ProfileYAML
enum YAMLEmitterProbe {
    static func comment(_ text: String) -> String { YAMLEmitter.commentLine(text) }
}
