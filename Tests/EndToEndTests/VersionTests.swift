import Foundation
import TestTeardown
import Testing

/// The version lives in VERSION only (SPEC §11): the built binary's --version must say the same.
@Suite(.awaitsTeardown) struct VersionTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func versionFlagPrintsTheVersionFile() async throws {
        let file = Self.repo.appendingPathComponent("VERSION")
        let expected = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(expected.split(separator: ".").count == 3, "VERSION should be MAJOR.MINOR.PATCH, got '\(expected)'")
        let r = try await runProfileTool(["--version"])
        #expect(r.exitCode == 0)
        #expect(r.stdout == expected + "\n", "pachca-profile --version disagrees with VERSION; update PachcaProfile.version")
    }
}
