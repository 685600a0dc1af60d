import Foundation
import ProfileYAML
import Testing

/// The README's CI examples are real files (`examples/ci/`), each valid YAML by the project's
/// reader, and the README shows exactly their text.
@Suite struct CIExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let examples = ["examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"]

    @Test(arguments: examples)
    func exampleParsesAsYAML(_ path: String) throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
        let document = YAMLReader.read(text)
        #expect(document.errors.isEmpty, "\(path): \(document.errors)")
        let keys = document.root?.mapping?.compactMap { $0.key.scalar?.value } ?? []
        #expect(!keys.isEmpty, "\(path): a mapping at the top")
        // Every profile the example names exists in this repository.
        for match in text.split(whereSeparator: \.isWhitespace) where match.hasPrefix("profiles/") && match.hasSuffix(".yaml") {
            #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(String(match)).path), "\(match)")
        }
    }

    @Test(arguments: examples)
    func readmeShowsTheFile(_ path: String) throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("```yaml\n" + text + "```\n"), "README.md must show \(path) verbatim")
    }
}
