import PortableFoundation
import PachcaAPI
import ProfileCore

/// Reads top to bottom like the SPEC: desired (given), live, avatar evidence, the schedule's
/// zone, changes, plan.
public struct Planner: Sendable {
    public let client: PachcaClient
    public let subject: Subject
    public let zones: any TimeZoneSource

    public init(client: PachcaClient, subject: Subject = .me, zones: any TimeZoneSource = SystemTimeZones()) {
        self.client = client; self.subject = subject; self.zones = zones
    }

    public func plan(desired: DesiredState, stateStore: StateStore, now: Date) async throws -> Plan {
        let live = try await LiveReader(client: client, subject: subject).read()
        return try await plan(desired: desired, live: live, stateStore: stateStore, now: now)
    }

    /// Plans against live state already read (a team run reads many people at once, §9).
    public func plan(desired: DesiredState, live: LiveState, stateStore: StateStore, now: Date) async throws -> Plan {
        // The record matters for a managed avatar (identity) and under `on_manual_change: keep`
        // (the last applied status); then a broken one is worth a warning.
        let needsRecord = desired.avatar.value != nil || desired.manualChangePolicy == .keep
        let (record, recordWarning) = needsRecord ? stateStore.loadReporting() : (nil, nil)
        let assessment = await AvatarProver(client: client).assess(desired: desired, live: live, record: record)
        let zone = try ProfileZone.resolve(desired, live: live, zones: zones)
        var plan = Differ.plan(desired: desired, live: live, avatar: assessment, now: now, subject: subject, zone: zone,
                               lastApplied: record?.status?.fields)
        if let recordWarning { plan.warnings.append(recordWarning) }
        return plan
    }
}

/// `timezone: profile`: the person's own Pachca `time_zone`, known once the profile is read.
public enum ProfileZone {
    public static func resolve(_ desired: DesiredState, live: LiveState?, zones: any TimeZoneSource) throws -> ZoneRules? {
        guard let schedule = desired.schedule, schedule.timezone == .profile else { return desired.schedule?.zone }
        guard let name = live?.timeZone, !name.isEmpty else {
            // Dated windows need no zone; weekly ones cannot be placed without it.
            if !schedule.hasWeeklyWindows { return nil }
            throw ScheduleError.noProfileTimeZone(file: desired.file)
        }
        switch TimeZoneResolution.resolve(name, source: zones) {
        case .success(let rules): return rules
        case .failure(let failure): throw ScheduleError.profileTimeZone(file: desired.file, failure: failure)
        }
    }
}

public enum ScheduleError: Error, CustomStringConvertible {
    case noProfileTimeZone(file: String)
    case profileTimeZone(file: String, failure: TimeZoneResolution.Failure)

    public var description: String {
        switch self {
        case .noProfileTimeZone(let file):
            "\(file): timezone: profile, but the profile has no personal time_zone (Pachca then uses the company's, which the API does not show); name the zone in the file, e.g. timezone: Europe/Moscow"
        case .profileTimeZone(let file, let failure):
            "\(file): timezone: profile: the profile's time_zone: \(failure.message)" + failure.notes.map { "; \($0)" }.joined()
        }
    }
}
