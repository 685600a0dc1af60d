import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// §9 end to end: the built binary manages a workspace's profiles against the emulator; the
/// journal is the oracle for reads and writes.
@Suite(.awaitsTeardown) struct TeamTests {
    static let anna = SeedPerson(user: SeedUser(id: 3001, firstName: "Anna", lastName: "Ivanova", nickname: "anna",
                                                email: "anna@example.com"))
    static let boris = SeedPerson(user: SeedUser(id: 3002, firstName: "Boris", lastName: "Petrov", nickname: "boris",
                                                 email: "boris@example.com"),
                                  status: SeedStatus(emoji: "🎮", title: "Играю"))
    static let vera = SeedPerson(user: SeedUser(id: 3003, firstName: "Vera", nickname: "vera", email: "vera@example.com"))
    static let gone = SeedPerson(user: SeedUser(id: 3005, firstName: "Gone", nickname: "gone", email: "gone@example.com", suspended: true))

    static func start(people: [SeedPerson] = [anna, boris, vera, gone], generate: Int = 40,
                      scopes: [String] = EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all) async throws -> Harness {
        let h = try await Harness.start { c in
            c.workspace = WorkspaceSeed(people: people, generate: generate, generatorKey: 11)
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: scopes)
        try h.write("me.png", bytes: Harness.png())
        try h.write("team/me.yaml", "status: {emoji: \"💻\", title: Сам}\n")
        try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"💻\", title: Работаю}\navatar: ../me.png\n")
        try h.write("team/boris.yaml", "user: boris\nstatus: null\n")
        try h.write("team/vera.yaml", "user: 3003\nstatus: {emoji: \"🍔\", title: Обед, is_away: true}\n")
        return h
    }

    /// API reads (GETs on the API, not image fetches) before the first write.
    static func readsBeforeWrites(_ h: Harness) async -> [String] {
        let journal = await h.emulator.journal()
        let firstWrite = journal.firstIndex { $0.method != "GET" } ?? journal.count
        return journal[..<firstWrite].filter { $0.apiPath != nil }.map { "\($0.method) \($0.apiPath!)" }
    }

    @Test func mixedSelfAndOthersByEmailNicknameAndIdPlanApplyPlan() async throws {
        let h = try await Self.start()
        let plan = try await h.run(["plan", "--detailed-exitcode", "team"])
        #expect(plan.exitCode == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan: 4 profiles to change (4 to create, 0 to change, 1 to delete), 0 in sync."), "\(plan.stdout)")
        #expect(plan.stdout.contains("id 3001 — team/anna.yaml"))
        #expect(await h.writes().isEmpty)
        // 44 people + the owner: one page; 2 owner reads + 1 page (S = 4 pages allowed).
        let reads: [String] = await Self.readsBeforeWrites(h)
        #expect(reads.filter { $0 == "GET /users" }.count == 1)
        #expect(reads.count == 3)

        await h.emulator.resetJournal()
        let apply = try await h.run(["apply", "--auto-approve", "team"])
        #expect(apply.exitCode == 0, "\(apply.stderr)\n\(apply.stdout)")
        #expect(apply.stdout.contains("Apply complete! 4 profiles changed and verified"))
        let writes = Set(await h.writes())
        #expect(writes == ["PUT /profile/status", "PUT /users/3001/status", "PUT /users/3001/avatar",
                           "DELETE /users/3002/status", "PUT /users/3003/status"])

        await h.emulator.resetJournal()
        let again = try await h.run(["plan", "--detailed-exitcode", "team"])
        #expect(again.exitCode == 0, "\(again.stdout)")
        #expect(again.stdout == "No changes. 4 profiles in sync.\nNext change: none.\n")
        #expect(await h.writes().isEmpty)
    }

    @Test func jsonCarriesFileAndSubjectOnEveryChangeAndAProfilesArray() async throws {
        let h = try await Self.start()
        let r = try await h.run(["plan", "--json", "team"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let doc = try Harness.json(r.stdout)
        #expect(doc["file"] is NSNull, "null when the run has several files")
        let changes = try #require(doc["changes"] as? [[String: Any]])
        #expect(changes.allSatisfy { $0["file"] is String && $0["subject"] is [String: Any] })
        let anna = try #require(changes.first { $0["file"] as? String == "team/anna.yaml" }?["subject"] as? [String: Any])
        #expect(anna["id"] as? Int == 3001)
        #expect(anna["nickname"] as? String == "anna")
        #expect(anna["self"] as? Bool == false)
        let profiles = try #require(doc["profiles"] as? [[String: Any]])
        #expect(profiles.count == 4)
        let me: [String: Any]? = profiles.first { $0["file"] as? String == "team/me.yaml" }
        let meSubject: [String: Any]? = me?["subject"] as? [String: Any]
        #expect(meSubject?["self"] as? Bool == true)
        #expect(profiles.allSatisfy { $0.keys.contains("next_change_at") })
        let one = try await h.run(["plan", "--json", "team/anna.yaml"])
        #expect(try Harness.json(one.stdout)["file"] as? String == "team/anna.yaml")
    }

    @Test func unknownAndAmbiguousUsersFailAtTheirValueBeforeAnyWrite() async throws {
        let twin = SeedPerson(user: SeedUser(id: 3010, nickname: "anna2", email: "ANNA@example.com"))
        let h = try await Self.start(people: [Self.anna, twin, Self.boris, Self.vera])
        try h.write("team/nobody.yaml", "status: null\nuser: nobody@example.com\n")
        let r = try await h.run(["apply", "--auto-approve", "team"])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("team/anna.yaml:1:7: error: user: 2 people match 'anna@example.com' (ids 3001, 3010)"), "\(r.stderr)")
        #expect(r.stderr.contains("team/nobody.yaml:2:7: error: user: nobody in the workspace has the email 'nobody@example.com'"))
        #expect(await h.writes().isEmpty)
    }

    @Test func aMissingAdminScopeExitsThreeNamingTheScopeAndTheFirstFile() async throws {
        let h = try await Self.start(scopes: EmulatorConfiguration.allProfileScopes + [WorkspaceScopes.read, WorkspaceScopes.statusRead, WorkspaceScopes.statusWrite])
        let r = try await h.run(["apply", "--auto-approve", "team"])
        #expect(r.exitCode == 3, "\(r.stderr)")
        #expect(r.stderr.contains("user_avatar:write (first needed by team/anna.yaml)"))
        #expect(await h.writes().isEmpty)
    }

    /// `doctor FILE...` judges the administrator scopes too when a file names someone else.
    @Test func doctorJudgesAdminScopesForFilesAboutOthers() async throws {
        let h = try await Self.start(scopes: EmulatorConfiguration.allProfileScopes + [WorkspaceScopes.read, WorkspaceScopes.statusRead, WorkspaceScopes.statusWrite])
        let missing = try await h.run(["doctor", "team/anna.yaml", "team/boris.yaml"])
        #expect(missing.exitCode == 3, "\(missing.stdout)")
        #expect(missing.stdout.contains("missing user_avatar:write (avatar of team/anna.yaml)"), "\(missing.stdout)")
        // Boris's file sets no avatar: that scope is not needed for it alone.
        let boris = try await h.run(["doctor", "team/boris.yaml"])
        #expect(boris.exitCode == 0, "\(boris.stdout)")
        #expect(boris.stdout.contains("user_avatar:write (optional): no given file with user: manages avatar"), "\(boris.stdout)")
        // The token owner's own file needs no administrator scope at all.
        let own = try await h.run(["doctor", "--json", "team/me.yaml"])
        #expect(own.exitCode == 0, "\(own.stdout)")
        let names = (try Harness.json(own.stdout)["scopes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(!names.contains("users:read"), "\(names)")
        #expect(await h.writes().isEmpty)
    }

    @Test func onePersonFailingLeavesTheOthersAppliedAndTheNextApplyFinishes() async throws {
        let h = try await Self.start()
        await h.emulator.injectFault(.status(500), method: "DELETE", path: "/users/3002/status", count: 50)
        let r = try await h.run(["apply", "--auto-approve", "team"], env: ["PACHCA_DEADLINE": "3"])
        #expect(r.exitCode == 1)
        #expect(r.stdout.contains("FAILED: team/boris.yaml (@boris)"), "\(r.stdout)")
        #expect(r.stdout.contains("ok: team/anna.yaml (@anna)"))
        #expect(r.stdout.contains("Apply incomplete: 1 of 4 profiles failed"))
        #expect(Set(await h.writes()).isSuperset(of: ["PUT /users/3001/status", "PUT /users/3003/status", "PUT /profile/status"]))
        await h.emulator.clearFaults()
        await h.emulator.resetJournal()
        let again = try await h.run(["apply", "--auto-approve", "team"])
        #expect(again.exitCode == 0, "\(again.stdout)")
        #expect(await h.writes() == ["DELETE /users/3002/status"])
    }

    @Test func applyJSONIsOneDocumentNamingWhoFailedAndMatchesItsSchema() async throws {
        let h = try await Self.start()
        await h.emulator.injectFault(.status(500), method: "DELETE", path: "/users/3002/status", count: 50)
        let r = try await h.run(["apply", "--json", "--auto-approve", "team"], env: ["PACHCA_DEADLINE": "3"])
        #expect(r.exitCode == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasSuffix("\n") && r.stdout.dropLast().split(separator: "\n").count == 1, "one document on one line")
        let doc = try Harness.json(r.stdout)
        #expect(doc["file"] is NSNull, "null when the run has several files")
        #expect(doc["success"] as? Bool == false)
        let failed = try #require(doc["failed"] as? [[String: Any]])
        #expect(failed.count == 1)
        #expect(failed.first?["file"] as? String == "team/boris.yaml")
        #expect((failed.first?["subject"] as? [String: Any])?["id"] as? Int == 3002)
        #expect(failed.first?["resource"] as? String == "status" && failed.first?["action"] as? String == "delete")
        let applied = try #require(doc["applied"] as? [[String: Any]])
        #expect(Set(applied.compactMap { $0["file"] as? String }) == ["team/me.yaml", "team/anna.yaml", "team/vera.yaml"])
        #expect(applied.allSatisfy { $0["subject"] is [String: Any] })
        let profiles = try #require(doc["profiles"] as? [[String: Any]])
        let outcomes = Dictionary(uniqueKeysWithValues: profiles.map { ($0["file"] as? String ?? "", $0["outcome"] as? String ?? "") })
        #expect(outcomes == ["team/me.yaml": "applied", "team/anna.yaml": "applied", "team/boris.yaml": "failed",
                             "team/vera.yaml": "applied"])
        #expect(Set(await h.writes()).isSuperset(of: ["PUT /users/3001/status", "PUT /users/3003/status", "PUT /profile/status"]))

        await h.emulator.clearFaults()
        let again = try await h.run(["apply", "--json", "--auto-approve", "team"])
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        let done = try Harness.json(again.stdout)
        #expect(done["success"] as? Bool == true)
        #expect((done["applied"] as? [[String: Any]])?.map { $0["file"] as? String } == ["team/boris.yaml"])
        let synced = try await h.run(["apply", "--json", "--auto-approve", "team"])
        #expect(synced.exitCode == 0)
        let inSync = try Harness.json(synced.stdout)
        #expect(inSync["has_changes"] as? Bool == false)
        #expect((inSync["profiles"] as? [[String: Any]])?.allSatisfy { $0["outcome"] as? String == "in_sync" } == true)
        let one = try await h.run(["apply", "--json", "--auto-approve", "team/anna.yaml"])
        #expect(try Harness.json(one.stdout)["file"] as? String == "team/anna.yaml")
        if SchemaValidator.available {
            let problems = try SchemaValidator.problems([("apply", "team partial", r.stdout), ("apply", "team finished", again.stdout),
                                                         ("apply", "team in sync", synced.stdout), ("apply", "one other", one.stdout)])
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func targetRestrictsTheRunToThosePeople() async throws {
        let h = try await Self.start()
        let r = try await h.run(["apply", "--auto-approve", "--target", "@vera", "--target", "3001", "team"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(Set(await h.writes()) == ["PUT /users/3001/status", "PUT /users/3001/avatar", "PUT /users/3003/status"])
        let bad = try await h.run(["plan", "--target", "a b", "team"])
        #expect(bad.exitCode == 64)
    }

    @Test func aSuspendedPersonIsSkippedWithAWarning() async throws {
        let h = try await Self.start()
        try h.write("team/gone.yaml", "user: gone\nstatus: null\n")
        let r = try await h.run(["plan", "team"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Warning: @gone is suspended; skipped"))
        #expect(r.stdout.contains("1 skipped."))
    }

    @Test func readsStayWithinTheBoundWhenPagingAndWhenReadingPerPerson() async throws {
        // 600 people: paging is ⌈601/50⌉ = 13 pages; 120 subjects: paging wins, 2 + 13 reads.
        let h = try await Harness.start { c in c.workspace = WorkspaceSeed(generate: 600, generatorKey: 5) }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        for i in 0..<120 { try h.write("many/p\(i).yaml", "user: \(SeedUser.defaultID + 1 + i * 5)\nstatus: null\n") }
        let r = try await h.run(["plan", "many"])
        #expect(r.exitCode == 0, "\(r.stderr.prefix(400))")
        var reads = await h.apiCalls()
        #expect(reads.count == 2 + 13, "\(reads.count) reads")
        let bound120: Int = min(2 * 120, 13 + 1) + 2
        #expect(reads.count <= bound120)
        // Two subjects: per person wins (2 pages, then one read each for those not seen yet).
        await h.emulator.resetJournal()
        let r2 = try await h.run(["plan", "many/p0.yaml", "many/p119.yaml"])
        #expect(r2.exitCode == 0, "\(r2.stderr)")
        reads = await h.apiCalls()
        let bound2: Int = min(2 * 2, 13 + 1) + 2
        #expect(reads.count <= bound2, "\(reads)")
    }

    /// 90 people to change: about 100 requests (writes, and reads in pages). At the default 45/s against the API's 50/s, no 429.
    @Test func theDefaultRateStaysUnderTheLimitWithNo429() async throws {
        let h = try await Harness.start { c in
            c.workspace = WorkspaceSeed(generate: 100, generatorKey: 3)
            c.rateLimitPerSecond = 50
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        for i in 0..<90 where (i + 1) % 97 != 0 {
            try h.write("crowd/p\(i).yaml", "user: \(SeedUser.defaultID + 1 + i)\nstatus: {emoji: \"💻\", title: \"Sprint \(i)\"}\n")
        }
        let r = try await h.run(["apply", "--auto-approve", "crowd"])
        #expect(r.exitCode == 0, "\(r.stderr.prefix(500))")
        let journal = await h.emulator.journal().filter { $0.apiPath != nil }
        #expect(journal.count > 90)
        #expect(journal.filter { $0.status == 429 }.isEmpty)
        // At most 45 starts in any one-second window on our side (--rate, the first burst
        // included; RequestSchedulerTests checks that exactly). The server sees arrivals, which
        // bunch by a few when connections open at different speeds: they must stay under its 50.
        let times = journal.map(\.time.timeIntervalSince1970).sorted()
        let busiest = times.indices.map { i in times[i...].prefix { $0 < times[i] + 1 }.count }.max() ?? 0
        #expect(busiest < 50, "\(busiest) requests in one second")
    }

    /// Against a limit of 20/s at --rate 45 the server answers 429s; every pause is honoured
    /// (no request of the token before its Retry-After ends) and the run completes.
    @Test func aLowerServerLimitIsHonouredThroughRetryAfter() async throws {
        let h = try await Harness.start { c in
            c.workspace = WorkspaceSeed(generate: 60, generatorKey: 3)
            c.rateLimitPerSecond = 20
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        for i in 0..<40 { try h.write("crowd/p\(i).yaml", "user: \(SeedUser.defaultID + 1 + i)\nstatus: {emoji: \"💻\", title: \"Busy \(i)\"}\n") }
        let r = try await h.run(["apply", "--auto-approve", "crowd"], env: ["PACHCA_RATE": "45"])
        #expect(r.exitCode == 0, "\(r.stderr.prefix(500))")
        let journal = await h.emulator.journal().filter { $0.apiPath != nil }
        let limited = journal.filter { $0.status == 429 }
        #expect(!limited.isEmpty, "the scenario needs 429s")
        // After each 429 (Retry-After ≥ 1 s), the run waits: the next request starts ≥ 1 s later
        // unless it was already in flight (at most 8 started within the same instant).
        for hit in limited {
            let after = journal.filter { $0.time > hit.time.addingTimeInterval(0.05) && $0.time < hit.time.addingTimeInterval(0.95) }
            #expect(after.count <= 8, "\(after.count) requests started inside a pause")
        }
    }

    /// A `user:` naming the token owner is the owner's own profile (`/profile…`); together with a
    /// file without `user:` it is the same person twice, an error naming both files.
    @Test func aUserNamingTheOwnerUsesProfileAndCollidesWithTheOwnersFile() async throws {
        let h = try await Self.start()
        try h.write("solo/me-by-email.yaml", "user: demo@example.com\nstatus: {emoji: \"💻\", title: Я}\n")
        let r = try await h.run(["apply", "--auto-approve", "solo"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(await h.writes() == ["PUT /profile/status"])
        let both = try await h.run(["plan", "solo", "team/me.yaml"])
        #expect(both.exitCode == 1)
        #expect(both.stderr.contains("team/me.yaml: error: solo/me-by-email.yaml already describes this person (id \(SeedUser.defaultID))"), "\(both.stderr)")
    }

    /// Reads need `users:read`: without it the run stops with exit 3 before any write.
    @Test func withoutUsersReadTheRunExitsThree() async throws {
        let h = try await Self.start(scopes: EmulatorConfiguration.allProfileScopes)
        let r = try await h.run(["plan", "team"])
        #expect(r.exitCode == 3, "\(r.stderr)")
        #expect(r.stderr.contains("users:read"))
        #expect(await h.writes().isEmpty)
    }

    /// One file about someone else can be saved; `apply --plan` writes to that person and is
    /// refused once the file's `user:` names another person.
    @Test func aSavedPlanIsBoundToItsPersonAndRefusedWhenTheUserValueMovesToAnother() async throws {
        let twin = SeedPerson(user: SeedUser(id: 3020, nickname: "anna.new", email: "anna.new@example.com"))
        let h = try await Self.start(people: [Self.anna, Self.boris, Self.vera, twin])
        let saved = try await h.run(["plan", "--out", "anna.plan", "team/anna.yaml"])
        #expect(saved.exitCode == 0, "\(saved.stderr)")
        let good = try await h.run(["apply", "--plan", "anna.plan"])
        #expect(good.exitCode == 0, "\(good.stderr)\n\(good.stdout)")
        #expect(Set(await h.writes()) == ["PUT /users/3001/status", "PUT /users/3001/avatar"])
        #expect(await h.emulator.personStatus(id: 3001)?.title == "Работаю")

        try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"🏖️\", title: Отпуск}\n")
        let again = try await h.run(["plan", "--out", "anna2.plan", "team/anna.yaml"])
        #expect(again.exitCode == 0, "\(again.stderr)")
        // The address moves to someone else before the plan is applied.
        await h.emulator.updatePerson(id: 3001) { $0.email = "anna.old@example.com" }
        await h.emulator.updatePerson(id: 3020) { $0.email = "anna@example.com" }
        await h.emulator.resetJournal()
        let refused = try await h.run(["apply", "--plan", "anna2.plan"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("the plan was made for user 3001, but `user: anna@example.com` is now user 3020"), "\(refused.stderr)")
        #expect(await h.writes().isEmpty)
    }

    /// `plan --out` over several files: one artifact bound to the API, the token owner and every
    /// subject; `apply --plan` resolves its paths against the plan's folder and refuses, before
    /// any write and naming the file, a stale subject, another API or another person.
    @Test func aSavedTeamPlanIsBoundToEverySubjectAndRefusedNamingWhich() async throws {
        let twin = SeedPerson(user: SeedUser(id: 3020, nickname: "anna.new", email: "anna.new@example.com"))
        let h = try await Self.start(people: [Self.anna, Self.boris, Self.vera, twin])
        try h.write("ci/README", "plans\n")
        let saved = try await h.run(["plan", "--out", "ci/team.plan", "team"])
        #expect(saved.exitCode == 0, "\(saved.stderr)")
        let text = try String(contentsOfFile: h.path("ci/team.plan"), encoding: .utf8)
        let doc = try Harness.json(text)
        #expect(doc["kind"] as? String == "team")
        let binding = try #require(doc["binding"] as? [String: Any])
        #expect(Set(binding["subject_ids"] as? [Int] ?? []) == [SeedUser.defaultID, 3001, 3002, 3003])
        #expect(binding["token_owner_id"] as? Int == SeedUser.defaultID)
        let files = (doc["profiles"] as? [[String: Any]])?.compactMap { $0["file"] as? String }
        #expect(Set(files ?? []) == ["../team/me.yaml", "../team/anna.yaml", "../team/boris.yaml", "../team/vera.yaml"])
        if SchemaValidator.available {
            let problems = try SchemaValidator.problems([("saved-plan", "team plan --out", text)])
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }

        // One subject changed since: the whole plan is refused, naming that file.
        #expect(try await h.run(["apply", "--auto-approve", "team/vera.yaml"]).exitCode == 0)
        await h.emulator.resetJournal()
        let stale = try await h.run(["apply", "--plan", "ci/team.plan"])
        #expect(stale.exitCode == 1)
        #expect(stale.stderr.contains("stale plan ci/team.plan") && stale.stderr.contains("team/vera.yaml: "), "\(stale.stderr)")
        #expect(await h.writes().isEmpty)

        // Another API: refused before any request.
        #expect(try await h.run(["plan", "--out", "ci/team.plan", "team"]).exitCode == 0)
        await h.emulator.resetJournal()
        let otherAPI = try await h.run(["apply", "--plan", "ci/team.plan"], env: ["PACHCA_API_URL": "http://127.0.0.1:9/api/shared/v1"])
        #expect(otherAPI.exitCode == 1)
        #expect(otherAPI.stderr.contains("API: the plan was made for"), "\(otherAPI.stderr)")
        #expect(await h.emulator.journal().isEmpty)

        // The current plan applies every subject; the next plan is clean.
        let applied = try await h.run(["apply", "--plan", "ci/team.plan"])
        #expect(applied.exitCode == 0, "\(applied.stderr)\n\(applied.stdout)")
        #expect(Set(await h.writes()) == ["PUT /profile/status", "PUT /users/3001/status", "PUT /users/3001/avatar",
                                          "DELETE /users/3002/status"])
        #expect(try await h.run(["plan", "--detailed-exitcode", "team"]).exitCode == 0)

        // A subject's `user:` now names another person: refused, naming the file and both ids.
        try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"🏖️\", title: Отпуск}\n")
        #expect(try await h.run(["plan", "--out", "ci/team.plan", "team"]).exitCode == 0)
        await h.emulator.updatePerson(id: 3001) { $0.email = "anna.old@example.com" }
        await h.emulator.updatePerson(id: 3020) { $0.email = "anna@example.com" }
        await h.emulator.resetJournal()
        let moved = try await h.run(["apply", "--plan", "ci/team.plan", "--json"])
        #expect(moved.exitCode == 1)
        #expect(moved.stdout.contains("team/anna.yaml: person: the plan was made for user 3001, but `user: anna@example.com` is now user 3020"),
                "\(moved.stdout)\(moved.stderr)")
        #expect(await h.writes().isEmpty)
    }

    @Test func aBadRateIsAUsageError() async throws {
        let h = try await Self.start()
        for bad in [["--rate", "0"], ["--rate", "inf"], ["--rate", "-3"]] {
            let r = try await h.run(["plan"] + bad + ["team"])
            #expect(r.exitCode == 64, "\(bad)")
        }
        let env = try await h.run(["plan", "team"], env: ["PACHCA_RATE": "fast"])
        #expect(env.exitCode == 64)
        #expect(env.stderr.contains("PACHCA_RATE=fast"))
        #expect(await h.apiCalls().isEmpty)
    }

    /// §10 with §9: `timezone: profile` in someone else's file is that person's own time_zone.
    @Test func timezoneProfileIsThePersonsOwnZone() async throws {
        let zoned = SeedPerson(user: SeedUser(id: 3030, nickname: "zoned", email: "zoned@example.com", timeZone: "Asia/Yekaterinburg"))
        let nozone = SeedPerson(user: SeedUser(id: 3031, nickname: "nozone", email: "nozone@example.com", timeZone: nil))
        let h = try await Self.start(people: [zoned, nozone, Self.vera])
        let always = "schedule:\n  - name: always\n    days: [mon, tue, wed, thu, fri, sat, sun]\n    from: \"00:00\"\n    until: \"24:00\"\n    status: {emoji: \"💻\", title: Всегда}\n"
        try h.write("tz/zoned.yaml", "user: zoned\ntimezone: profile\n" + always)
        let r = try await h.run(["plan", "--json", "tz"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let profiles = try #require(try Harness.json(r.stdout)["profiles"] as? [[String: Any]])
        #expect(profiles.first?["next_change_at"] is String)
        try h.write("tz/nozone.yaml", "user: 3031\ntimezone: profile\n" + always)
        let missing = try await h.run(["plan", "tz"])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("tz/nozone.yaml: timezone: profile, but the profile has no personal time_zone"), "\(missing.stderr)")
    }
}
