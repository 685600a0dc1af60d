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
        let results = expansion.files.map { DesiredStateDecoder.decode(file: $0, now: now, files: fileSystem, zones: SystemTimeZones()) }
        let desired = results.compactMap(\.desired)
        var duplicates: [String: [Diagnostic]] = [:]
        for d in ProfileFiles.duplicateSubjects(desired) { duplicates[d.file, default: []].append(d) }
        for (file, result) in zip(expansion.files, results) {
            reports.append((file, (result.diagnostics + (duplicates[file] ?? [])).sortedByPosition()))
        }
        return ProfileSet(reports: reports, desired: desired)
    }
}
