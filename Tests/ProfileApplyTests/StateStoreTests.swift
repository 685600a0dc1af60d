import Foundation
import TestTeardown
import Testing
@testable import ProfileApply

/// The default state record path is computed with plain string work; it must be the one
/// Foundation's URL gave (records written before keep being found).
@Suite(.awaitsTeardown) struct StateStoreTests {
    @Test(arguments: [
        "me.yaml", "profiles/me.yaml", "/abs/profiles/me.yaml", "profiles/team/anna.yml",
        "./me.yaml", "a/../me.yaml", "profiles/me", "profiles/me.tar.yaml", "profiles/.hidden",
        "weird name/ünïcødé.yaml", "/me.yaml",
    ])
    func defaultPathIsWhatURLGave(_ profile: String) {
        let cwd = "/work/repo"
        let url = profile.hasPrefix("/") ? URL(fileURLWithPath: profile) : URL(fileURLWithPath: cwd + "/" + profile)
        let name = url.deletingPathExtension().lastPathComponent
        let expected = url.deletingLastPathComponent().appendingPathComponent(".\(name).state.json").path
        #expect(StateStore.defaultPath(profilePath: profile, currentDirectory: cwd) == expected)
    }

    @Test func anOverrideIsTakenAsGiven() {
        #expect(StateStore(profilePath: "me.yaml", override: "custom/state.json").path == "custom/state.json")
    }

    @Test func aRelativeProfileIsResolvedAgainstTheWorkingDirectory() {
        let path = StateStore(profilePath: "profiles/me.yaml", override: nil).path
        #expect(path.hasPrefix("/"))
        #expect(path.hasSuffix("/profiles/.me.state.json"))
    }
}

/// The working directory read with getcwd: the whole path, as the process sees it (no
/// trailing NUL, non-ASCII intact), the same as Foundation's.
@Suite(.awaitsTeardown) struct LocalPathTests {
    @Test func currentDirectoryIsTheProcesssWorkingDirectory() {
        let path = LocalPath.currentDirectory
        #expect(path == FileManager.default.currentDirectoryPath)
        #expect(path.hasPrefix("/"))
        #expect(!path.contains("\0"))
    }
}
