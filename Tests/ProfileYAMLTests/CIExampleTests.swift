import Foundation
import ProfileYAML
import Testing

/// Every CI file the README shows (the action, workflows, the GitLab template and examples) is
/// valid YAML by the project's own reader; `make test`'s lint-ci lints them further.
@Suite struct CIExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var files: [String] {
        let fm = FileManager.default
        var found: [String] = []
        for folder in ["ci", ".github/workflows", "examples"] {
            let root = repository.appendingPathComponent(folder)
            guard let walker = fm.enumerator(atPath: root.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
                found.append("\(folder)/\(path)")
            }
        }
        if fm.fileExists(atPath: repository.appendingPathComponent("action.yml").path) { found.append("action.yml") }
        return found.sorted()
    }

    @Test func thereAreCIFiles() {
        #expect(!Self.files.isEmpty)
    }

    @Test(arguments: files)
    func ciFileParsesAsYAML(_ path: String) throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
        let document = YAMLReader.read(text)
        #expect(document.errors.isEmpty, "\(path): \(document.errors)")
        #expect(document.root?.mapping != nil, "\(path): a mapping at the top")
    }
}
