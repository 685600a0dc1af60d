import Foundation
import ProfileCore
import Testing

/// An in-memory tree: paths ending in `/` are directories, `->` marks a symlink to a directory.
struct TreeListing: DirectoryListing {
    var directories: Set<String>
    var files: Set<String>
    var symlinkedDirectories: Set<String> = []

    init(_ paths: [String], symlinkedDirectories: Set<String> = []) {
        var dirs = Set<String>(), files = Set<String>()
        for p in paths {
            let parts = p.split(separator: "/").map(String.init)
            for i in 1..<max(parts.count, 1) { dirs.insert(parts[..<i].joined(separator: "/")) }
            if p.hasSuffix("/") { dirs.insert(parts.joined(separator: "/")) } else { files.insert(p) }
        }
        directories = dirs.union(symlinkedDirectories)
        self.files = files
        self.symlinkedDirectories = symlinkedDirectories
    }

    func entryKind(atPath path: String, followingSymlink: Bool) -> DirectoryEntryKind {
        if symlinkedDirectories.contains(path) { return followingSymlink ? .directory : .other }
        if directories.contains(path) { return .directory }
        return files.contains(path) ? .file : .missing
    }

    func entries(ofDirectory path: String) -> [String]? {
        let prefix = path + "/"
        let all = directories.union(files).filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        return Array(Set(all.compactMap { $0.split(separator: "/").first.map(String.init) })).shuffled()
    }
}

@Suite struct ProfileFilesTests {
    @Test func aDirectoryStandsForItsYAMLFilesInPathOrderSkippingDotEntries() {
        let tree = TreeListing(["team/b.yaml", "team/a.yml", "team/z/x.yaml", "team/a-b.yaml", "team/.hidden.yaml",
                                "team/.git/config.yaml", "team/notes.txt", "team/.anna.state.json", "team/sub/deep/y.yaml"])
        let e = ProfileFiles.expand(["team"], listing: tree)
        #expect(e.diagnostics.isEmpty)
        #expect(e.files == ["team/a-b.yaml", "team/a.yml", "team/b.yaml", "team/sub/deep/y.yaml", "team/z/x.yaml"])
    }

    @Test func namedFilesAreTakenAsTheyAreOnceAndArgumentsKeepTheirOrder() {
        let tree = TreeListing(["team/a.yaml", "team/b.yaml", "me.yaml", ".dot.yaml", "odd.txt"])
        let e = ProfileFiles.expand(["me.yaml", "team", "./team/a.yaml", ".dot.yaml", "odd.txt", "missing.yaml"], listing: tree)
        #expect(e.files == ["me.yaml", "team/a.yaml", "team/b.yaml", ".dot.yaml", "odd.txt", "missing.yaml"])
    }

    @Test func anEmptyDirectoryIsAnErrorAndSymlinkedDirectoriesAreOnlyWalkedWhenNamed() {
        let tree = TreeListing(["empty/", "team/a.yaml"], symlinkedDirectories: ["team/loop", "link"])
        let e = ProfileFiles.expand(["empty", "team"], listing: tree)
        #expect(e.files == ["team/a.yaml"])
        #expect(e.diagnostics.map(\.formatted) == ["empty: error: no *.yaml or *.yml file in this directory"])
        let named = ProfileFiles.expand(["link"], listing: tree)
        #expect(named.diagnostics.map(\.formatted) == ["link: error: no *.yaml or *.yml file in this directory"])
    }

    @Test func duplicateSubjectsNameBothFiles() throws {
        func state(_ file: String, _ user: String?, line: Int = 1) throws -> DesiredState {
            var s = DesiredState(file: file)
            if let user {
                var ref = try UserReference.parse(user).get()
                ref.line = line; ref.column = 7
                s.user = ref
            }
            return s
        }
        let states = [try state("me.yaml", nil), try state("team/anna.yaml", "anna@example.com"),
                      try state("team/anna2.yaml", "ANNA@example.com", line: 2), try state("other-me.yaml", nil),
                      try state("team/bob.yaml", "bob"), try state("team/bob-id.yaml", "1234"), try state("team/bob2.yaml", "@Bob", line: 3)]
        #expect(ProfileFiles.duplicateSubjects(states).map(\.formatted) == [
            "team/anna2.yaml:2:7: error: user: team/anna.yaml already describes this person",
            "other-me.yaml: error: me.yaml already describes the token owner's own profile (neither file has `user:`)",
            "team/bob2.yaml:3:7: error: user: team/bob.yaml already describes this person",
        ])
    }
}

/// `file:line:col: severity: path: message` (no position when it is about the whole file).
private extension Diagnostic {
    var formatted: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        let subject = path.isEmpty ? message : "\(path): \(message)"
        return "\(location): \(severity.rawValue): \(subject)"
    }
}

/// Issue 19: a folder walk never leaves the folder through a symlink, and says what it skipped.
@Suite struct HostileWalkTests {
    struct Listing: DirectoryListing {
        var kinds: [String: DirectoryEntryKind]
        var names: [String: [String]]
        var undecodable: [String: [String]] = [:]
        func entryKind(atPath path: String, followingSymlink: Bool) -> DirectoryEntryKind { kinds[path] ?? .missing }
        func entries(ofDirectory path: String) -> [String]? { names[path] }
        func contents(ofDirectory path: String) -> DirectoryContents? {
            names[path].map { DirectoryContents(names: $0, undecodable: undecodable[path] ?? []) }
        }
        func realPath(_ path: String) -> String? { path == "team" ? "/repo/team" : nil }
    }

    @Test func linksLeavingTheFolderAreErrorsAndSkippedEntriesWarnings() {
        let listing = Listing(
            kinds: ["team": .directory, "team/a.yaml": .file, "team/inside.yaml": .link(.file(realPath: "/repo/team/a.yaml")),
                    "team/secrets.yaml": .link(.file(realPath: "/home/runner/.aws/credentials")),
                    "team/sibling.yaml": .link(.file(realPath: "/repo/team-other/x.yaml")),
                    "team/gone.yaml": .link(.dangling), "team/pipe.yaml": .special("a FIFO"),
                    "team/dev.yml": .special("a device"), "team/sub": .link(.directory), "team/notes.txt": .special("a FIFO")],
            names: ["team": ["a.yaml", "inside.yaml", "secrets.yaml", "sibling.yaml", "gone.yaml", "pipe.yaml", "dev.yml",
                             "sub", "notes.txt"]],
            undecodable: ["team": ["bad\\xff.yaml"]])
        let e = ProfileFiles.expand(["team"], listing: listing)
        #expect(e.files == ["team/a.yaml", "team/inside.yaml"])
        let errors = e.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.file).sorted() == ["team/secrets.yaml", "team/sibling.yaml"])
        #expect(errors.allSatisfy { $0.message.contains("outside team") && !$0.message.contains("/home") }, "\(errors)")
        #expect(e.skipped.map(\.path) == ["team/dev.yml", "team/gone.yaml", "team/pipe.yaml", "team/sub", "team/bad\\xff.yaml"])
        let warnings = e.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.file) == e.skipped.map(\.path))
        #expect(warnings.first { $0.file == "team/gone.yaml" }?.message == "dangling symbolic link: skipped")
        #expect(warnings.first { $0.file == "team/pipe.yaml" }?.message == "a FIFO, not a regular file: skipped")
    }
}
