import Foundation
import TestTeardown
import Testing
@testable import ProfileApply

/// Where records were kept before the store (beside each file) is computed with plain string
/// work; it must be the one Foundation's URL gave, so those records are found and moved.
@Suite(.awaitsTeardown) struct StateStoreTests {
    @Test(arguments: [
        "me.yaml", "profiles/me.yaml", "/abs/profiles/me.yaml", "profiles/team/anna.yml",
        "./me.yaml", "a/../me.yaml", "profiles/me", "profiles/me.tar.yaml", "profiles/.hidden",
        "weird name/ünïcødé.yaml", "/me.yaml",
    ])
    func legacyPathIsWhatURLGave(_ profile: String) {
        let cwd = "/work/repo"
        let url = profile.hasPrefix("/") ? URL(fileURLWithPath: profile) : URL(fileURLWithPath: cwd + "/" + profile)
        let name = url.deletingPathExtension().lastPathComponent
        let expected = url.deletingLastPathComponent().appendingPathComponent(".\(name).state.json").path
        #expect(StateStore.legacyPath(profilePath: profile, currentDirectory: cwd) == expected)
    }

    @Test func anOverrideIsTakenAsGiven() {
        let location = StateLocation(directory: "records", apiURL: URL(string: "https://api.pachca.com/api/shared/v1")!,
                                     override: "custom/state.json")
        #expect(location.store(file: "me.yaml", personID: 7) == StateStore(path: "custom/state.json"))
    }

    /// One record per API host and person id, whatever the file is called or where it is.
    @Test func aRecordIsNamedAfterTheHostAndThePersonNotTheFile() {
        let location = StateLocation(directory: "/r/.pachca-profile", apiURL: URL(string: "http://127.0.0.1:8080/api/shared/v1")!)
        let a = location.store(file: "team/anna.yaml", personID: 3001)
        let b = location.store(file: "by-office/moscow/a.ivanova.yaml", personID: 3001)
        #expect(a.path == "/r/.pachca-profile/127.0.0.1_8080/3001.json")
        #expect(a.path == b.path)
        #expect(a.legacyPath?.hasSuffix("/team/.anna.state.json") == true)
        #expect(StateLocation.hostKey(URL(string: "https://API.Pachca.com/x")!) == "api.pachca.com")
    }

    @Test func theFolderComesFromTheFlagThenTheEnvironment() {
        #expect(StateLocation.folder(flag: "s", environment: ["PACHCA_STATE_DIR": "e"]) == "s")
        #expect(StateLocation.folder(flag: nil, environment: ["PACHCA_STATE_DIR": "e"]) == "e")
        #expect(StateLocation.folder(flag: nil, environment: [:]) == ".pachca-profile")
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
