import Support
import ProfileCore

/// A run's desired-state files (docs/teams.md): the arguments expanded (directories walked), every file
/// decoded, and subjects checked for duplicates — all before the first request, so an invalid
/// file fails the run like `validate` does. Shared by `validate`, `plan` and `apply`.
public struct ProfileSet: Sendable {
    /// Every file and directory with its findings, in run order (directory-level findings first).
    public var reports: [(file: String, diagnostics: [Diagnostic])]
    /// The decoded files, in run order; complete only when `isValid`.
    public var desired: [DesiredState]

    public var isValid: Bool { !reports.contains { $0.diagnostics.hasErrors } }
    public var files: [String] { desired.map(\.file) }

    public static func load(_ arguments: [String], now: Date, fileSystem: LocalFileSystem = LocalFileSystem()) -> ProfileSet {
        let expansion = ProfileFiles.expand(arguments, listing: fileSystem)
        var reports: [(file: String, diagnostics: [Diagnostic])] = []
        var byDirectory: [String: [Diagnostic]] = [:]
        for d in expansion.diagnostics { byDirectory[d.file, default: []].append(d) }
        var reported = Set<String>()
        for d in expansion.diagnostics where reported.insert(d.file).inserted {
            reports.append((d.file, byDirectory[d.file] ?? []))
        }
        func decode(_ file: String, included: Bool) -> DecodeResult {
            let includes = IncludeReader(fileSystem: fileSystem, root: IncludeReader.root(of: file, arguments: arguments, in: fileSystem))
            return DesiredStateDecoder.decode(file: file, now: now, files: fileSystem, zones: SystemTimeZones(),
                                              includes: includes, included: included)
        }
        var results = expansion.files.map { decode($0, included: false) }
        // A file another file of the run includes is shared settings, not a profile: it is
        // checked as an include and planned only through the files that include it.
        func identity(_ path: String) -> String { fileSystem.realPath(path) ?? ProfileFiles.normalized(path) }
        let shared = Set(results.flatMap(\.includes).map(identity))
        // A file with `include:` of its own is always a profile (an include cannot include).
        for (index, file) in expansion.files.enumerated() where shared.contains(identity(file)) && results[index].includes.isEmpty {
            results[index] = decode(file, included: true)
            results[index].desired = nil
        }
        let desired = results.compactMap(\.desired)
        var duplicates: [String: [Diagnostic]] = [:]
        for d in ProfileFiles.duplicateSubjects(desired) { duplicates[d.file, default: []].append(d) }
        for (file, result) in zip(expansion.files, results) {
            reports.append((file, (result.diagnostics + (duplicates[file] ?? [])).sortedByPosition()))
        }
        return ProfileSet(reports: reports, desired: desired)
    }
}

/// Reads the files `include:` names. Like the folder walk, it never follows a symbolic link out
/// of the repository: a path through a link must resolve inside the repository's folder (the
/// nearest folder above the file holding `.git`, else the folder the run walks, else the file's
/// own folder); otherwise it is refused and its target never opened.
struct IncludeReader: FileReading {
    let fileSystem: LocalFileSystem
    let root: String?

    func readFile(atPath path: String, maxBytes: Int) -> FileReadResult {
        if passesThroughLink(path), let real = fileSystem.realPath(path) {
            guard let root, real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                return .unreadable(reason: "a symbolic link to a file outside \((root ?? "the repository").pathForMessage): refused, not read")
            }
        }
        return fileSystem.readFile(atPath: path, maxBytes: maxBytes)
    }

    /// Whether any component of `path` is a symbolic link.
    func passesThroughLink(_ path: String) -> Bool {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += prefix.isEmpty || prefix.hasSuffix("/") ? String(part) : "/" + part
            if case .link = fileSystem.entryKind(atPath: prefix, followingSymlink: false) { return true }
        }
        return false
    }

    /// The real folder an include of `file` may not leave through a link.
    static func root(of file: String, arguments: [String], in fileSystem: LocalFileSystem) -> String? {
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        guard let real = fileSystem.realPath(directory.isEmpty ? "/" : directory) else { return nil }
        var candidate = real
        while !candidate.isEmpty {
            if fileSystem.entryKind(atPath: candidate + "/.git", followingSymlink: false) != .missing { return candidate }
            guard let slash = candidate.lastIndex(of: "/") else { break }
            candidate = String(candidate[..<slash])
        }
        let walked = arguments.first { argument in
            file.hasPrefix(argument.hasSuffix("/") ? argument : argument + "/")
                && fileSystem.entryKind(atPath: argument, followingSymlink: true) == .directory
        }
        return walked.flatMap(fileSystem.realPath) ?? real
    }
}
