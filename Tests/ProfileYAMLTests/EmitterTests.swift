import Foundation
import ProfileYAML
import Testing

/// `YAMLEmitter` writes text as UTF-8 — emoji included, although libyaml 0.2.5 escapes every
/// character outside the Basic Multilingual Plane — and what it writes reads back the same.
@Suite struct EmitterTests {
    func emitted(_ text: String) throws -> String {
        try YAMLEmitter.emit(.mapping([YAMLEmitPair("title", .string(text))]))
    }

    func readBack(_ yaml: String) throws -> String? {
        let document = YAMLReader.read(yaml)
        #expect(document.errors == [])
        let root = try #require(document.root)
        return root.mapping?.first { $0.key.scalar?.value == "title" }?.value.scalar?.value
    }

    @Test(arguments: ["🚀", "🏖️ В отпуске", "👩🏽‍💻", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "𝒳 and 😀😀", "Обед 🍔"])
    func emojiAreWrittenAsUTF8(_ text: String) throws {
        let yaml = try emitted(text)
        #expect(yaml.contains("\"\(text)\""), "\(yaml)")
        #expect(!yaml.contains("\\U"), "\(yaml)")
        #expect(try readBack(yaml) == text)
    }

    @Test func aBackslashBeforeUStaysText() throws {
        // The text `\U0001F680` (a backslash and letters) is not an escape to undo.
        let text = "path\\U0001F680 and \\\\U0001F680"
        let yaml = try emitted(text)
        #expect(!yaml.contains("🚀"), "\(yaml)")
        #expect(try readBack(yaml) == text)
    }

    @Test func invisibleCharactersOutsideTheBMPStayEscaped() throws {
        // U+E0001 LANGUAGE TAG is a format character: shown as an escape, never hidden.
        let text = "a\u{E0001}b 🚀"
        let yaml = try emitted(text)
        #expect(yaml.contains("\\U000E0001"), "\(yaml)")
        #expect(yaml.contains("🚀"), "\(yaml)")
        #expect(try readBack(yaml) == text)
    }
}
