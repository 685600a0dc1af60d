import Foundation
import Testing
@testable import ProfileCore
@testable import ProfileRender

/// Golden files for the plan renderers: Fixtures/golden/<case>.txt and <case>.json.
/// `UPDATE_GOLDEN=1 swift test` rewrites them and still fails, so a rewrite is always looked at.
@Suite struct RenderTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")

    static func plans() -> [(String, Plan)] {
        let d = DifferTests.self
        let expires = Date(timeIntervalSince1970: 1_900_000_000)
        return [
            ("in-sync", d.plan(status: .value(d.status()), avatar: .value(d.avatar), live: d.status(),
                               liveAvatar: "http://127.0.0.1:1/uploads/1/a.png",
                               assessment: .init(inSync: true, evidence: .stateRecord))),
            ("create-both", d.plan(status: .value(d.status(away: true, message: "Я в отпуске до 10 марта", expires: expires)),
                                   avatar: .value(d.avatar))),
            ("update-status-avatar-unverifiable",
             d.plan(status: .value(d.status("🏖️", "В отпуске", away: true)), avatar: .value(d.avatar),
                    live: d.status("💻", "Working"), liveAvatar: "https://cdn.example/u/7/photo.jpg",
                    assessment: .init(inSync: false, evidence: .unverifiable))),
            ("delete-both", d.plan(status: .none, avatar: .none, live: d.status("💻", "Working"),
                                   liveAvatar: "https://cdn.example/u/7/photo.jpg")),
            ("expired-desired", d.plan(status: .value(d.status(expires: d.hourAgo)), live: d.status())),
        ]
    }

    /// A run of one file: the token owner's own profile.
    static func run(_ plan: Plan) -> RunPlan {
        RunPlan(profiles: [ProfilePlan(file: plan.file, person: person(plan, isSelf: true), outcome: .planned(plan))],
                reads: 2, at: plan.computedAt)
    }

    static func person(_ plan: Plan, isSelf: Bool) -> SubjectPerson {
        SubjectPerson(id: plan.owner.id, nickname: plan.owner.nickname, email: nil, isSelf: isSelf)
    }

    /// A run of four files: one changing, one in sync, one skipped (suspended), one failed
    /// (unknown zone), each about another person.
    static func teamRun() -> RunPlan {
        let all = plans()
        func named(_ name: String, file: String, id: Int, nickname: String) -> Plan {
            var plan = all.first { $0.0 == name }!.1
            plan.file = file
            plan.owner = ProfileOwner(id: id, firstName: nickname.capitalized, lastName: "", nickname: nickname)
            plan.subject = .user(id: id)
            return plan
        }
        let changing = named("update-status-avatar-unverifiable", file: "team/anna.yaml", id: 11, nickname: "anna")
        let inSync = named("in-sync", file: "team/boris.yaml", id: 12, nickname: "boris")
        let suspended = SubjectPerson(id: 13, nickname: "vera", email: "vera@example.com", isSelf: false)
        let failed = SubjectPerson(id: 14, nickname: nil, email: nil, isSelf: false)
        return RunPlan(profiles: [
            ProfilePlan(file: changing.file, person: person(changing, isSelf: false), outcome: .planned(changing)),
            ProfilePlan(file: inSync.file, person: person(inSync, isSelf: false), outcome: .planned(inSync)),
            ProfilePlan(file: "team/vera.yaml", person: suspended, outcome: .skipped("@vera is suspended; skipped")),
            ProfilePlan(file: "team/id14.yaml", person: failed,
                        outcome: .failed("team/id14.yaml: timezone: profile, but the profile has no personal time_zone")),
        ], reads: 4, at: changing.computedAt)
    }

    @Test(arguments: plans().map(\.0))
    func renderedPlanMatchesGolden(_ name: String) throws {
        let plan = try #require(Self.plans().first { $0.0 == name }?.1)
        try Self.checkGolden("\(name).txt", PlanText.render(Self.run(plan), color: false))
        try Self.checkGolden("\(name).json", try PlanJSON.render(Self.run(plan)) + "\n")
    }

    @Test func teamRunMatchesGolden() throws {
        let run = Self.teamRun()
        try Self.checkGolden("team.txt", PlanText.render(run, color: false))
        try Self.checkGolden("team.json", try PlanJSON.render(run) + "\n")
        try Self.checkGolden("team.md", PlanMarkdown.render(run))
    }

    @Test func serverNamesCannotBecomeMarkdown() throws {
        var run = Self.teamRun()
        var plan = try #require(run.profiles[0].plan)
        plan.owner.firstName = "[click](https://evil.example) ![x](https://evil.example/i.png) <b>"
        run.profiles[0].outcome = .planned(plan)
        let md = PlanMarkdown.render(run)
        #expect(!md.contains("[click]"))
        #expect(!md.contains("![x]"))
        #expect(!md.contains("<b>"))
    }

    @Test func jsonPlanHasTheContractShape() throws {
        let plan = try #require(Self.plans().first { $0.0 == "update-status-avatar-unverifiable" }?.1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try PlanJSON.render(Self.run(plan)).utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1")
        #expect(object["file"] as? String == "profiles/me.yaml")
        #expect(object["has_changes"] as? Bool == true)
        #expect((object["warnings"] as? [Any])?.isEmpty == true)
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.map { $0["resource"] as? String } == ["status", "avatar"])
        let statusAfter = try #require(changes[0]["after"] as? [String: Any])
        #expect(Set(statusAfter.keys) == ["emoji", "title", "is_away", "away_message", "expires_at"])
        #expect(statusAfter["away_message"] is NSNull)
        let avatarBefore = try #require(changes[1]["before"] as? [String: Any])
        #expect(avatarBefore["image_url"] as? String == "https://cdn.example/u/7/photo.jpg")
        let avatarAfter = try #require(changes[1]["after"] as? [String: Any])
        #expect(Set(avatarAfter.keys) == ["path", "sha256"])
        #expect(changes[1]["evidence"] as? String == "unverifiable")
        #expect(changes.allSatisfy { $0["file"] as? String == "profiles/me.yaml" })
        let profiles = try #require(object["profiles"] as? [[String: Any]])
        #expect(profiles.count == 1)
        #expect(profiles[0]["outcome"] as? String == "changes")
    }

    @Test func colorOnlyWhenAsked() throws {
        let plan = try #require(Self.plans().first { $0.0 == "create-both" }?.1)
        #expect(!PlanText.render(Self.run(plan), color: false).contains("\u{1B}["))
        #expect(PlanText.render(Self.run(plan), color: true).contains("\u{1B}[32m+"))
    }

    @Test func markdownSummaryEscapesTableCells() throws {
        var plan = try #require(Self.plans().first { $0.0 == "create-both" }?.1)
        plan.changes[0] = .status(.create(after: DifferTests.status("🏖️", "a|b")))
        let md = PlanMarkdown.render(Self.run(plan))
        #expect(md.contains("`a\\|b`"))
        #expect(md.contains("**Plan: 2 to create, 0 to change, 0 to delete.**"))
    }

    static func checkGolden(_ name: String, _ actual: String) throws {
        let url = goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("rewrote golden file \(name); unset UPDATE_GOLDEN and run again")
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "golden \(name) differs")
    }
}

/// Many identical changes read as one, in the text and the step summary, from plan values;
/// the step summary stays under GitHub's 1 MiB limit for 5,000 profiles.
@Suite struct RollupRenderTests {
    /// `count` people whose title changes from `before(i)` to "Working".
    static func run(_ count: Int, before: (Int) -> String) -> RunPlan {
        let d = DifferTests.self
        let profiles = (0..<count).map { i -> ProfilePlan in
            var plan = d.plan(status: .value(d.status("💻", "Working")), live: d.status("💻", before(i)))
            plan.file = String(format: "team/p%04d.yaml", i)
            plan.owner = ProfileOwner(id: 100 + i, firstName: "P\(i)", lastName: "", nickname: "p\(i)")
            plan.subject = .user(id: 100 + i)
            return ProfilePlan(file: plan.file, person: RenderTests.person(plan, isSelf: false), outcome: .planned(plan))
        }
        return RunPlan(profiles: profiles, reads: 2, at: profiles[0].plan!.computedAt, maxChanges: .all)
    }

    @Test func identicalChangesAreOneGroupAboveTenProfiles() {
        let text = PlanText.render(Self.run(312) { _ in "Работаю" }, color: false)
        #expect(text.hasPrefix("312 profiles: ~ status.title \"Работаю\" → \"Working\" — team/p0000.yaml, team/p0001.yaml and 310 more\n"),
                "\(text)")
        #expect(PlanText.render(Self.run(312) { _ in "Работаю" }, color: false, expand: true)
            .components(separatedBy: "Profile: ").count == 313)
        // Ten changing profiles are not grouped; different values never are.
        #expect(PlanText.render(Self.run(10) { _ in "Работаю" }, color: false).components(separatedBy: "Profile: ").count == 11)
        #expect(PlanText.render(Self.run(12) { "t\($0)" }, color: false).components(separatedBy: "Profile: ").count == 13)
    }

    @Test func theStepSummaryGroupsAndStaysUnderOneMebibyte() {
        let grouped = PlanMarkdown.render(Self.run(5000) { _ in "Работаю" })
        #expect(grouped.contains("**5000 profiles** — team/p0000.yaml, team/p0001.yaml and 4998 more"))
        #expect(grouped.utf8.count < 10_000)
        let distinct = PlanMarkdown.render(Self.run(5000) { "a title that differs for everyone, number \($0), long enough" })
        #expect(distinct.utf8.count < 1 << 20, "\(distinct.utf8.count)")
        #expect(distinct.contains("more profiles not listed"))
        #expect(distinct.hasSuffix("Next change: none.\n"))
    }

    @Test func theGuardCountsUpdatesAndDeletesOfTheRunsProfiles() {
        var run = Self.run(20) { $0 < 8 ? "Old" : "Working" }
        run.maxChanges = .automatic
        #expect(run.blastRadius == BlastRadius(changes: 8, limit: 6, setting: .automatic))
        #expect(run.blastRadius.exceeded)
        run.maxChanges = .percent(50)
        #expect(!run.blastRadius.exceeded)
        run.maxChanges = .count(7)
        #expect(run.blastRadius.exceeded)
        #expect(MaxChanges("10%") == .percent(10) && MaxChanges("all") == .all && MaxChanges("12") == .count(12))
        #expect(MaxChanges("-1") == nil && MaxChanges("101%") == nil && MaxChanges("1e3") == nil && MaxChanges("") == nil)
        #expect(MaxChanges.automatic.limit(profiles: 9) == nil)
    }
}
