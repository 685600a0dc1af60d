import ArgumentParser
import Support
import ProfileApply
import ProfileCore
import ProfileRender

/// `pachca-profile timeline FILE [--from T] [--days N] [--json]`: offline, the status a file
/// asks for from each instant it changes, in the file's zone with UTC beside it
/// (docs/schedules.md). `--user` takes a person in a repository of shared files: their own
/// file, its includes and the group files selecting them, merged (docs/shared-settings.md).
struct TimelineCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show, offline, the status a file's schedule gives over a period.")

    @Argument(help: "The desired-state file (with --user: files and folders of the repository).", completion: .file())
    var paths: [String]
    var file: String { paths.count == 1 ? paths[0] : "\(paths.count) paths" }

    @Option(name: .customLong("user"), help: "The person whose effective schedule to show (email, nickname or id).")
    var user: String?

    @Option(name: .customLong("tag"), help: "With --user: a Pachca tag the person has, for tag group files (repeatable; timeline does not read Pachca).")
    var tags: [String] = []

    @Option(name: .customLong("from"), help: "Start of the period (ISO-8601 with offset; default now).",
            transform: PlanInstant.parse)
    var from: PlanInstant?

    @Option(name: .customLong("days"), help: "Length of the period in days (1…366).") var days = 7

    @Option(name: .customLong("timezone"), help: "The zone for `timezone: profile` (timeline does not read the profile).")
    var timezone: String?

    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false
    var jsonOutput: Bool { json }

    @Flag(name: .customLong("no-color"), help: "Never color the output.") var noColor = false

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366") }
    }

    func run() async throws {
        try await reportingErrors {
            let start = from?.date ?? Date()
            let set = try RunFiles.load(paths, now: start, noColor: noColor)
            let desired: DesiredState
            if let user {
                desired = try effective(for: user, in: set.desired)
            } else {
                guard paths.count == 1, set.desired.count == 1, let only = set.desired.first else {
                    throw CLIError.usage("timeline takes one desired-state file, or --user and the repository's files; \(file) holds \(set.desired.count)")
                }
                desired = only
            }
            let zone = try zoneRules(for: desired)
            let end = start.addingTimeInterval(Double(days) * 86_400)
            let entries = Timeline.entries(desired, from: start, until: end, zone: zone)
            if json {
                Output.stdout(try TimelineJSON.render(entries, file: file, zone: zone, from: start, until: end))
            } else {
                Output.stdout(TimelineText.render(entries, file: file, zone: zone, from: start, until: end), terminator: "")
            }
        }
    }

    /// The person's own file (matched by how `user:` is written) over the group files selecting
    /// them (`all`, and `tag` files for `--tag`), through the one merge `plan` uses.
    private func effective(for text: String, in files: [DesiredState]) throws -> DesiredState {
        let reference: UserReference
        switch UserReference.parse(text) {
        case .success(let r): reference = r
        case .failure(let failure): throw CLIError.usage("--user: \(failure.message)")
        }
        let own = files.first { $0.selector == nil && $0.user?.identity == reference.identity }
        let groups = files.filter { $0.selector?.selects(tags: tags) ?? false }
        let (merged, conflicts) = SharedSettings.person(own: own, groups: groups)
        if let c = conflicts.first {
            throw CLIError.failure("\(c.key): \(c.first.file) and \(c.second.file) both set it for \(text)")
        }
        guard let merged else {
            throw CLIError.failure("no file describes \(text): no user: names them (as written) and no group file selects them")
        }
        return merged
    }

    private func zoneRules(for desired: DesiredState) throws -> ZoneRules? {
        let zones = SystemTimeZones()
        if let timezone {
            switch TimeZoneResolution.resolve(timezone, source: zones) {
            case .success(let rules): return rules
            case .failure(let failure):
                throw CLIError.failure("--timezone: \(failure.message)" + failure.notes.map { "; \($0)" }.joined())
            }
        }
        if desired.schedule?.timezone == .profile, desired.schedule?.hasWeeklyWindows == true {
            throw CLIError.failure("\(file) says timezone: profile, and timeline does not read the profile: pass --timezone NAME (e.g. --timezone Europe/Moscow)")
        }
        return desired.schedule?.zone
    }
}
