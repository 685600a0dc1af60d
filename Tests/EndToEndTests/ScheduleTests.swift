import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Scheduled statuses end to end (SPEC §10): the built binary with `--at`, against the
/// emulator with its clock set to the same instant; the journal is the oracle.
@Suite(.awaitsTeardown) struct ScheduleTests {
    static let zoneinfoPresent = FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/Europe/Moscow")
        || ProcessInfo.processInfo.environment["TZDIR"] != nil

    static func file(policy: String = "keep", timezone: String = "Europe/Moscow") -> String {
        """
        timezone: \(timezone)
        status: {emoji: "💻", title: "Работаю"}
        schedule:
          - name: lunch
            days: [mon, tue, wed, thu, fri]
            from: "13:00"
            until: "14:00"
            status: {emoji: "🍔", title: "Обед", is_away: true}
        on_manual_change: \(policy)
        """
    }

    static let lunchtime = "2026-07-15T13:30:00+03:00"   // a Wednesday
    static let afterLunch = "2026-07-15T14:00:00+03:00"

    static func date(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text)!
    }

    static func statusBodies(_ h: Harness) async -> [String] {
        await h.emulator.journal().filter { $0.method == "PUT" && $0.apiPath == "/profile/status" }.compactMap(\.requestBody)
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func insideAWindowThePutCarriesItsEndAndASecondApplyWritesNothing() async throws {
        let h = try await Harness.start(clock: .manual(Self.date(Self.lunchtime)))
        try h.write("me.yaml", Self.file())

        let plan = try await h.run(["plan", "--at", Self.lunchtime, "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("+ title: \"Обед\""))
        #expect(plan.stdout.contains("Next change: 2026-07-15T11:00:00.000Z (window in force now: lunch)."))
        #expect(await h.writes().isEmpty, "plan --at reads only")

        let apply = try await h.run(["apply", "--auto-approve", "--at", Self.lunchtime, "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        let bodies = await Self.statusBodies(h)
        #expect(bodies.count == 1)
        #expect(bodies.first?.contains("\"expires_at\":\"2026-07-15T11:00:00.000Z\"") == true, "\(bodies)")
        #expect(bodies.first?.contains("Обед") == true)
        // The state record remembers what was applied.
        let record = try String(contentsOfFile: h.path(h.record()), encoding: .utf8)
        #expect(record.contains("\"title\" : \"Обед\""), "\(record)")

        await h.emulator.resetJournal()
        let again = try await h.run(["apply", "--auto-approve", "--at", Self.lunchtime, "me.yaml"])
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("No changes."))
        #expect(await h.writes().isEmpty, "applying twice at the same instant writes once")
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func afterTheWindowTheBaseStatusIsPlanned() async throws {
        let h = try await Harness.start(clock: .manual(Self.date(Self.lunchtime)))
        try h.write("me.yaml", Self.file(policy: "overwrite"))
        let apply = try await h.run(["apply", "--auto-approve", "--at", Self.lunchtime, "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")

        h.emulator.setNow(Self.date(Self.afterLunch))
        let plan = try await h.run(["plan", "--json", "--detailed-exitcode", "--at", Self.afterLunch, "me.yaml"])
        #expect(plan.exitCode == 2, "\(plan.stdout)\(plan.stderr)")
        let json = try Harness.json(plan.stdout)
        let change = try #require((json["changes"] as? [[String: Any]])?.first)
        #expect((change["after"] as? [String: Any])?["title"] as? String == "Работаю")
        #expect((change["after"] as? [String: Any])?["expires_at"] is NSNull)
        #expect(json["next_change_at"] as? String == "2026-07-16T10:00:00.000Z")
        #expect(json["window"] is NSNull)
        #expect(json["kept_status"] is NSNull)
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"), arguments: ["keep", "overwrite"])
    func aHandSetStatusIsKeptOrReplaced(_ policy: String) async throws {
        let h = try await Harness.start(clock: .manual(Self.date(Self.afterLunch)))
        try h.write("me.yaml", Self.file(policy: policy))
        try await h.emulator.setStatus(SeedStatus(emoji: "🤒", title: "Болею", isAway: true, expiresAt: "2026-07-16T09:00:00+03:00"))

        let plan = try await h.run(["plan", "--json", "--at", Self.afterLunch, "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let json = try Harness.json(plan.stdout)
        let apply = try await h.run(["apply", "--auto-approve", "--at", Self.afterLunch, "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        if policy == "keep" {
            #expect(json["has_changes"] as? Bool == false)
            let kept = try #require(json["kept_status"] as? [String: Any])
            #expect(kept["title"] as? String == "Болею")
            #expect(kept["expires_at"] as? String == "2026-07-16T06:00:00.000Z")
            // Kept until it expires: that is the next change (before the next lunch).
            #expect(json["next_change_at"] as? String == "2026-07-16T06:00:00.000Z")
            #expect(apply.stdout.contains("status: kept, set by hand: 🤒 \"Болею\" (until 2026-07-16T06:00:00.000Z; on_manual_change: keep)"))
            #expect(apply.stdout.contains("No changes. A hand-set status is kept; the rest matches me.yaml."))
            #expect(await h.writes().isEmpty)
            #expect(await h.emulator.currentStatus()?.title == "Болею")
        } else {
            #expect(json["has_changes"] as? Bool == true)
            #expect(json["kept_status"] is NSNull)
            #expect(await h.writes() == ["PUT /profile/status"])
            #expect(await h.emulator.currentStatus()?.title == "Работаю")
        }
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func theToolsOwnStatusIsNotMistakenForAHandSetOne() async throws {
        let h = try await Harness.start(clock: .manual(Self.date(Self.lunchtime)))
        try h.write("me.yaml", Self.file(policy: "keep"))
        let lunch = try await h.run(["apply", "--auto-approve", "--at", Self.lunchtime, "me.yaml"])
        #expect(lunch.exitCode == 0, "\(lunch.stdout)\(lunch.stderr)")
        // The file changes its lunch title: the live status is still the one the tool wrote
        // (the state record says so), so it is replaced, not kept.
        try h.write("me.yaml", Self.file(policy: "keep").replacingOccurrences(of: "Обед", with: "Ланч"))
        await h.emulator.resetJournal()
        let plan = try await h.run(["plan", "--json", "--at", Self.lunchtime, "me.yaml"])
        let json = try Harness.json(plan.stdout)
        #expect(json["kept_status"] is NSNull, "\(plan.stdout)")
        #expect(json["has_changes"] as? Bool == true)
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func profileTimeZoneComesFromThePachcaProfile() async throws {
        // The emulator's person lives in Asia/Kathmandu (+05:45): lunch is 07:15–08:15 UTC.
        let h = try await Harness.start(clock: .manual(Self.date("2026-07-15T07:30:00Z"))) {
            $0.user = SeedUser(timeZone: "Asia/Kathmandu")
        }
        try h.write("me.yaml", Self.file(policy: "overwrite", timezone: "profile"))
        let plan = try await h.run(["plan", "--json", "--at", "2026-07-15T07:30:00Z", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let json = try Harness.json(plan.stdout)
        #expect(json["window"] as? String == "lunch")
        #expect(json["next_change_at"] as? String == "2026-07-15T08:15:00.000Z")
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func timelineIsOfflineAndMatchesThePlans() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pachca-timeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.file().write(to: directory.appendingPathComponent("me.yaml"), atomically: true, encoding: .utf8)
        // No API URL, no token: timeline never talks to the network.
        let text = try await runProfileTool(["timeline", "--from", "2026-07-15T09:00:00+03:00", "--days", "2", "me.yaml"], cwd: directory)
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("LOCAL (Europe/Moscow)"))
        #expect(text.stdout.contains("Wed 2026-07-15 13:00 +03:00  2026-07-15T10:00:00Z  lunch   🍔 Обед"))
        let json = try await runProfileTool(["timeline", "--json", "--from", "2026-07-15T09:00:00+03:00", "--days", "2", "me.yaml"], cwd: directory)
        let object = try Harness.json(json.stdout)
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.map { $0["at"] as? String } == [
            "2026-07-15T06:00:00.000Z", "2026-07-15T10:00:00.000Z", "2026-07-15T11:00:00.000Z",
            "2026-07-16T10:00:00.000Z", "2026-07-16T11:00:00.000Z",
        ])
        #expect(entries[1]["window"] as? String == "lunch")

        let unknown = try await runProfileTool(["timeline", "--timezone", "Europe/Moscw", "me.yaml"], cwd: directory)
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("did you mean 'Europe/Moscow'?"), "\(unknown.stderr)")
    }

    /// The cron example (examples/scheduled-status.yml) runs within half an hour after every
    /// instant `timeline` shows for profiles/schedule.yaml (four regular weeks and the
    /// vacation), at an off-peak minute rather than on the hour.
    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func theCronExampleCoversEveryChangeTheTimelineShows() async throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let workflow = try String(contentsOf: repo.appendingPathComponent("examples/scheduled-status.yml"), encoding: .utf8)
        let crons: [[String]] = workflow.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: "cron: \"") else { return nil }
            return line[r.upperBound...].prefix { $0 != "\"" }.split(separator: " ").map(String.init)
        }
        #expect(crons.count == 2)
        #expect(crons.allSatisfy { $0[0] != "0" && $0[0] != "*" }, "cron lines fire at an off-peak minute, not at :00")
        let result = try await runProfileTool(
            ["timeline", "--json", "--from", "2027-06-21T00:00:00+03:00", "--days", "35", "profiles/schedule.yaml"], cwd: repo)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let entries = try #require(try Harness.json(result.stdout)["entries"] as? [[String: Any]])
        #expect(entries.count > 40)
        for entry in entries.dropFirst() {
            let at = try #require(entry["at"] as? String)
            let date = Self.date(at.replacingOccurrences(of: ".000Z", with: "Z"))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let matched = (0...30).contains { delay in
                let c = calendar.dateComponents([.minute, .hour, .weekday], from: date.addingTimeInterval(Double(delay * 60)))
                return crons.contains { cron in
                    func field(_ spec: String, _ value: Int) -> Bool {
                        if spec == "*" { return true }
                        return spec.split(separator: ",").contains { part in
                            let bounds = part.split(separator: "-").compactMap { Int($0) }
                            return bounds.count == 2 ? (bounds[0]...bounds[1]).contains(value) : bounds.first == value
                        }
                    }
                    return field(cron[0], c.minute!) && field(cron[1], c.hour!) && field(cron[4], c.weekday! - 1)
                }
            }
            #expect(matched, "no cron line runs within 30 minutes after \(at) (\(entry["window"] ?? "base"))")
        }
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func aSavedPlanCarriesTheWindowAndGoesStaleWhenTheScheduleMovesOn() async throws {
        let h = try await Harness.start(clock: .manual(Self.date(Self.lunchtime)))
        try h.write("me.yaml", Self.file(policy: "overwrite"))
        let plan = try await h.run(["plan", "--out", "plan.json", "--at", Self.lunchtime, "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        // Past the plan's next change, the saved plan no longer says what the file asks for.
        let late = try await h.run(["apply", "--plan", "plan.json", "--at", Self.afterLunch])
        #expect(late.exitCode == 1)
        #expect(late.stderr.contains("schedule (the desired status changed at 2026-07-15T11:00:00.000Z)"), "\(late.stderr)")
        #expect(await h.writes().isEmpty)

        let onTime = try await h.run(["apply", "--plan", "plan.json", "--at", Self.lunchtime])
        #expect(onTime.exitCode == 0, "\(onTime.stdout)\(onTime.stderr)")
        let bodies = await Self.statusBodies(h)
        #expect(bodies.count == 1)
        #expect(bodies.first?.contains("\"expires_at\":\"2026-07-15T11:00:00.000Z\"") == true, "\(bodies)")
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent, "no tz database (install tzdata)"))
    func aProfileWithoutATimeZoneIsAClearError() async throws {
        let h = try await Harness.start { $0.user = SeedUser(timeZone: nil) }
        try h.write("me.yaml", Self.file(timezone: "profile"))
        let plan = try await h.run(["plan", "me.yaml"])
        #expect(plan.exitCode == 1)
        #expect(plan.stderr.contains("timezone: profile, but the profile has no personal time_zone"), "\(plan.stderr)")
    }
}
