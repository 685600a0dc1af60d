/// What the run's file arguments name, as the edge sees the disk (`ProfileApply.LocalFileSystem`);
/// tests pass an in-memory one.
public protocol DirectoryListing: Sendable {
    /// `followingSymlink`: whether a symlink to a directory counts as a directory (only for
    /// paths named on the command line: walking never follows one, so it cannot loop).
    func entryKind(atPath path: String, followingSymlink: Bool) -> DirectoryEntryKind
    /// The names in a directory (no `.`/`..`), or nil when it cannot be listed.
    func entries(ofDirectory path: String) -> [String]?
}

public enum DirectoryEntryKind: Sendable, Equatable {
    case file, directory, missing, other
}

/// §9: `validate`, `plan` and `apply` take files and directories. A directory stands for every
/// `*.yaml`/`*.yml` below it, dot-files and dot-folders skipped, in path order; a file named
/// on the command line is taken as it is (whatever its name), once.
public enum ProfileFiles {
    public static let maxFiles = 100_000
    public static let maxDepth = 32

    public struct Expansion: Sendable, Equatable {
        public var files: [String]
        public var diagnostics: [Diagnostic]
    }

    public static func expand(_ arguments: [String], listing: any DirectoryListing) -> Expansion {
        var out = Expansion(files: [], diagnostics: [])
        var seen = Set<String>()
        func add(_ path: String) {
            if seen.insert(normalized(path)).inserted { out.files.append(path) }
        }
        for argument in arguments {
            guard listing.entryKind(atPath: argument, followingSymlink: true) == .directory else {
                add(argument)  // a missing or unreadable file is reported by the decoder, with its reason
                continue
            }
            var found: [String] = []
            var truncated = false
            walk(argument, depth: 0, listing: listing, into: &found, truncated: &truncated,
                 unlistable: { out.diagnostics.append(Diagnostic(severity: .error, file: $0, line: 0, column: 0,
                                                                 message: "cannot list the directory")) })
            if truncated {
                out.diagnostics.append(Diagnostic(severity: .error, file: argument, line: 0, column: 0,
                    message: "too many files: at most \(maxFiles) desired-state files per run"))
            } else if found.isEmpty {
                out.diagnostics.append(Diagnostic(severity: .error, file: argument, line: 0, column: 0,
                    message: "no *.yaml or *.yml file in this directory"))
            }
            for f in found.sorted(by: pathOrder) { add(f) }
        }
        return out
    }

    static func walk(_ directory: String, depth: Int, listing: any DirectoryListing, into found: inout [String],
                     truncated: inout Bool, unlistable: (String) -> Void) {
        guard depth <= maxDepth, !truncated else { return }
        guard let names = listing.entries(ofDirectory: directory) else { return unlistable(directory) }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = base + name
            switch listing.entryKind(atPath: path, followingSymlink: false) {
            case .directory:
                walk(path, depth: depth + 1, listing: listing, into: &found, truncated: &truncated, unlistable: unlistable)
            case .file where name.hasSuffix(".yaml") || name.hasSuffix(".yml"):
                if found.count >= maxFiles { truncated = true; return }
                found.append(path)
            default: continue
            }
        }
    }

    /// Path order compares component by component, so `a/b.yaml` sorts before `a-b.yaml` and `a/z/x.yaml`.
    static func pathOrder(_ a: String, _ b: String) -> Bool {
        a.split(separator: "/").lexicographicallyPrecedes(b.split(separator: "/"))
    }

    /// The same file named twice (`team` and `team/anna.yaml`, `./x.yaml` and `x.yaml`) is read once.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// Two files for the same subject are an error on the later one, naming the earlier one:
    /// the same `user:` (emails and nicknames case-insensitively), or two files without `user:`
    /// (both the token owner's). Subjects written differently (an email and a nickname of one
    /// person) are caught once they are resolved against the workspace.
    public static func duplicateSubjects(_ states: [DesiredState]) -> [Diagnostic] {
        var firstFile: [String: String] = [:]
        var out: [Diagnostic] = []
        for state in states {
            let key = state.user?.identity ?? "owner"
            guard let earlier = firstFile[key] else {
                firstFile[key] = state.file
                continue
            }
            if let user = state.user {
                out.append(Diagnostic(severity: .error, file: state.file, line: user.line, column: user.column, path: "user",
                    message: "\(earlier) already describes this person", notes: ["one person's profile lives in one file"]))
            } else {
                out.append(Diagnostic(severity: .error, file: state.file, line: 0, column: 0,
                    message: "\(earlier) already describes the token owner's own profile (neither file has `user:`)",
                    notes: ["one person's profile lives in one file; add `user:` to a file about someone else"]))
            }
        }
        return out
    }
}
