import Foundation
import ProfileYAML
import Testing

/// Each hostile or tricky file in `Fixtures/` names its exact expected errors in comments
/// (`# expect: L:C: message`, `# note: …`; `# expect: (none)` for a clean file).
@Suite struct ReaderFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func everyLimitHasAFixture() {
        let names = Set(Self.names)
        for required in ["billion-laughs.yaml", "too-deep.yaml", "multiple-documents.yaml", "duplicate-keys.yaml",
                         "unsupported-tags.yaml", "invalid-utf8.yaml", "bom-crlf.yaml"] {
            #expect(names.contains(required), "\(required)")
        }
    }

    @Test(arguments: names)
    func fixture(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.root.appendingPathComponent(name)))
        let started = Date()
        let document = YAMLReader.read(bytes)
        #expect(Date().timeIntervalSince(started) < 1, "\(name) took too long")
        let actual = document.errors.map { e in "\(e.mark.line):\(e.mark.column): \(e.message)" + e.notes.map { "\n  note: \($0)" }.joined() }
        #expect(actual == Self.expectations(bytes), "\(name)")
    }

    static func expectations(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        for raw in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if raw.hasPrefix("# expect: ") {
                let body = String(raw.dropFirst("# expect: ".count))
                if body != "(none)" { out.append(body) }
            } else if raw.hasPrefix("# note: "), !out.isEmpty {
                out[out.count - 1] += "\n  note: " + raw.dropFirst("# note: ".count)
            }
        }
        return out
    }
}
