import Foundation
import Testing
@testable import ProfileCore

/// `on_manual_change`, the saved plan's schedule staleness and zone suggestions — pure, no network.
@Suite struct HandSetStatusTests {
    static let now = DifferTests.now
    static let sick = DifferTests.status("🤒", "Болею", away: true, expires: now.addingTimeInterval(7200))
    static let working = DifferTests.status("💻", "Работаю")

    static func plan(_ policy: ManualChangePolicy, live: StatusFields?, lastApplied: StatusFields? = nil,
                     windows: [ScheduleWindow] = []) -> Plan {
        let desired = DesiredState(file: "me.yaml", status: .value(working),
                                   schedule: Schedule(windows: windows, onManualChange: policy))
        return Differ.plan(desired: desired, live: LiveState(owner: DifferTests.owner, status: live, avatarURL: nil),
                           avatar: nil, now: now, lastApplied: lastApplied)
    }

    @Test func aHandSetStatusIsKeptUntilItExpires() {
        let kept = Self.plan(.keep, live: Self.sick)
        #expect(kept.changes.isEmpty)
        #expect(kept.keptStatus?.title == "Болею")
        #expect(kept.nextChangeAt == Self.sick.expiresAt)
        let replaced = Self.plan(.overwrite, live: Self.sick)
        #expect(replaced.changes.map(\.action) == [.update])
        #expect(replaced.keptStatus == nil)
    }

    @Test func theToolsOwnStatusesAreNotKept() {
        // What the last apply wrote, even though the file no longer produces it.
        let old = DifferTests.status("🍕", "Old lunch", expires: Self.now.addingTimeInterval(600))
        #expect(Self.plan(.keep, live: old, lastApplied: old).keptStatus == nil)
        // Any status the file can produce, whatever its expiry.
        let lunch = DifferTests.status("🍔", "Обед", away: true)
        let window = ScheduleWindow(name: "lunch", timing: .dated(from: Self.now.addingTimeInterval(86_400),
                                                                 until: Self.now.addingTimeInterval(90_000)), status: lunch)
        var live = lunch
        live.expiresAt = Self.now.addingTimeInterval(300)
        #expect(Self.plan(.keep, live: live, windows: [window]).keptStatus == nil)
        // No live status: nothing to keep; the base status is created.
        #expect(Self.plan(.keep, live: nil).changes.map(\.action) == [.create])
    }

    @Test func aSavedPlanIsStaleOnceTheScheduleMovesOn() {
        var plan = Self.plan(.overwrite, live: nil)
        plan.nextChangeAt = Self.now.addingTimeInterval(60)
        let live = LiveState(owner: DifferTests.owner, status: nil, avatarURL: nil)
        #expect(PlanFile.staleness(of: plan, live: live, now: Self.now, avatarFileSHA256: nil).isEmpty)
        let later = PlanFile.staleness(of: plan, live: live, now: Self.now.addingTimeInterval(61), avatarFileSHA256: nil)
        #expect(later == ["schedule (the desired status changed at 2027-01-15T08:01:00.000Z)"])
    }

    @Test func zoneSuggestions() {
        let names = ["Europe/Moscow", "America/New_York", "Asia/Kathmandu", "UTC"]
        #expect(TimeZoneResolution.suggestion(for: "Moscow", among: names) == "Europe/Moscow")
        #expect(TimeZoneResolution.suggestion(for: "america/new_york", among: names) == "America/New_York")
        #expect(TimeZoneResolution.suggestion(for: "Asia/Katmandu", among: names) == "Asia/Kathmandu")
        #expect(TimeZoneResolution.suggestion(for: "Mars/Olympus", among: names) == nil)
        #expect(!TimeZoneResolution.isWellFormed("../../etc/passwd"))
        #expect(!TimeZoneResolution.isWellFormed("/etc/localtime"))
        #expect(TimeZoneResolution.isWellFormed("Etc/GMT+3"))
    }
}
