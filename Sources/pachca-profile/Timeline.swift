import ArgumentParser
import Support
import ProfileApply
import ProfileCore
import ProfileRender

/// `pachca-profile timeline FILE [--from T] [--days N] [--json]`: offline, the status a file
/// asks for from each instant it changes, in the file's zone with UTC beside it (docs/schedules.md).
struct TimelineCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show, offline, the status a file's schedule gives over a period.")

    @Argument(help: "The desired-state file.", completion: .file()) var file: String

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
            let set = try RunFiles.load([file], now: start, noColor: noColor)
            guard set.desired.count == 1, let desired = set.desired.first else {
                throw CLIError.usage("timeline takes one desired-state file; \(file) holds \(set.desired.count)")
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
