/// What the run's file arguments name, as the edge sees the disk (`ProfileApply.LocalFileSystem`);
/// tests pass an in-memory one.
public protocol DirectoryListing: Sendable {
    /// `followingSymlink`: for paths named on the command line, a symlink counts as what it
    /// points to. Below a directory (`false`) a symlink is `.link(…)`, and a FIFO, device or
    /// socket is `.special(…)`, so the walk can refuse or report it.
    func entryKind(atPath path: String, followingSymlink: Bool) -> DirectoryEntryKind
    /// The names in a directory (no `.`/`..`), or nil when it cannot be listed.
    func entries(ofDirectory path: String) -> [String]?
    /// The names and, apart, the names that are not UTF-8 (shown escaped: they cannot be
    /// opened by a decoded path, so they are reported, not read).
    func contents(ofDirectory path: String) -> DirectoryContents?
    /// The path with every symlink resolved, or nil when it does not resolve.
    func realPath(_ path: String) -> String?
}

extension DirectoryListing {
    public func contents(ofDirectory path: String) -> DirectoryContents? {
        entries(ofDirectory: path).map { DirectoryContents(names: $0, undecodable: []) }
    }
    public func realPath(_ path: String) -> String? { path }
}

public struct DirectoryContents: Sendable, Equatable {
    public var names: [String]
    /// Names that are not UTF-8, escaped for display (`bad\xff.yaml`).
    public var undecodable: [String]
    public init(names: [String], undecodable: [String]) {
        self.names = names; self.undecodable = undecodable
    }
}

public enum DirectoryEntryKind: Sendable, Equatable {
    case file, directory, missing, other
    /// A symbolic link met while walking (never followed to decide the kind above).
    case link(LinkTarget)
    /// A FIFO, a device or a socket, in words (`a FIFO`): never opened.
    case special(String)
}

public enum LinkTarget: Sendable, Equatable {
    /// A regular file at this real path (symlinks resolved).
    case file(realPath: String)
    case directory
    case dangling
    /// A FIFO, device or socket.
    case other
}

/// A directory entry the walk did not read, and why (also a warning diagnostic on it).
public struct SkippedEntry: Sendable, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
}

/// `validate`, `plan` and `apply` take files and directories. A directory stands for every
/// `*.yaml`/`*.yml` below it, dot-files and dot-folders skipped, in path order; a file named
/// on the command line is taken as it is (whatever its name), once.
public enum ProfileFiles {
    public static let maxFiles = 100_000
    public static let maxDepth = 32

    public struct Expansion: Sendable, Equatable {
        public var files: [String]
        /// Errors (an unlistable directory, a symlink leaving the walked folder) and one
        /// warning per skipped entry, each on the entry's own path.
        public var diagnostics: [Diagnostic]
        /// What a walk did not read (dangling links, links to directories, FIFOs, devices,
        /// sockets, names that are not UTF-8), in walk order, so `validate` can list it.
        public var skipped: [SkippedEntry] = []
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
            // The folder as the disk has it: a symlink below it may point only inside it.
            let root = listing.realPath(argument)
            walk(argument, depth: 0, listing: listing, into: &found, truncated: &truncated) { finding in
                switch finding {
                case .unlistable(let path):
                    out.diagnostics.append(Diagnostic(severity: .error, file: path, line: 0, column: 0,
                                                      message: "cannot list the directory"))
                case .skipped(let entry):
                    out.skipped.append(entry)
                    out.diagnostics.append(Diagnostic(severity: .warning, file: entry.path, line: 0, column: 0,
                                                      message: entry.reason))
                case .linkOutside(let path):
                    out.diagnostics.append(Diagnostic(severity: .error, file: path, line: 0, column: 0,
                        message: "symbolic link to a file outside \(argument): refused, not read",
                        notes: ["a folder's profiles live inside it; copy the file in, or name it on the command line"]))
                }
            } isInside: { real in
                guard let root else { return false }
                return real.hasPrefix(root.hasSuffix("/") ? root : root + "/")
            }
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

    enum WalkFinding {
        case unlistable(String)
        case skipped(SkippedEntry)
        case linkOutside(String)
    }

    /// Every `*.yaml`/`*.yml` below `directory`. A symlink is read only when it resolves to a
    /// regular file inside the walked folder (`isInside` of its real path); one that leaves it is
    /// an error on the link, and its target is never opened. Entries that are not read though
    /// they might be profiles — dangling links, FIFOs, devices, sockets, links to directories,
    /// names that are not UTF-8 — are reported as skipped, never silently dropped.
    static func walk(_ directory: String, depth: Int, listing: any DirectoryListing, into found: inout [String],
                     truncated: inout Bool, report: (WalkFinding) -> Void, isInside: (String) -> Bool) {
        guard depth <= maxDepth, !truncated else { return }
        guard let contents = listing.contents(ofDirectory: directory) else { return report(.unlistable(directory)) }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        func skip(_ path: String, _ reason: String) { report(.skipped(SkippedEntry(path: path, reason: reason))) }
        for name in contents.names.sorted() where !name.hasPrefix(".") {
            let path = base + name
            let isProfile = name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            switch listing.entryKind(atPath: path, followingSymlink: false) {
            case .directory:
                walk(path, depth: depth + 1, listing: listing, into: &found, truncated: &truncated,
                     report: report, isInside: isInside)
            case .file where isProfile:
                if found.count >= maxFiles { truncated = true; return }
                found.append(path)
            case .link(.file(let real)) where isProfile:
                guard isInside(real) else { report(.linkOutside(path)); continue }
                if found.count >= maxFiles { truncated = true; return }
                found.append(path)
            case .link(.dangling) where isProfile:
                skip(path, "dangling symbolic link: skipped")
            case .link(.other) where isProfile:
                skip(path, "symbolic link to something that is not a regular file: skipped")
            case .link(.directory):
                skip(path, "symbolic link to a directory: not followed")
            case .special(let what) where isProfile:
                skip(path, "\(what), not a regular file: skipped")
            case .missing where isProfile, .other where isProfile:
                skip(path, "not a regular file: skipped")
            default:
                continue
            }
        }
        for shown in contents.undecodable.sorted() where !shown.hasPrefix(".") {
            skip(base + shown, "the name is not valid UTF-8: skipped (rename the file)")
        }
    }

    /// Path order compares component by component, so `a/b.yaml` sorts before `a-b.yaml` and `a/z/x.yaml`.
    static func pathOrder(_ a: String, _ b: String) -> Bool {
        a.split(separator: "/").lexicographicallyPrecedes(b.split(separator: "/"))
    }

    /// The same file named twice (`team` and `team/anna.yaml`, `./x.yaml` and `x.yaml`) is read once.
    public static func normalized(_ path: String) -> String {
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
        for state in states where state.selector == nil {
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
