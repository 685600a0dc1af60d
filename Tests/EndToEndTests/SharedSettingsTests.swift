import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Shared settings end to end (docs/shared-settings.md): `include:` and `select:` group files,
/// resolved per person before planning; the emulator's journal is the oracle for what was sent.
@Suite(.awaitsTeardown) struct SharedSettingsTests {
    static let anna = SeedPerson(user: SeedUser(id: 3001, firstName: "Anna", nickname: "anna", email: "anna@example.com",
                                                title: "Engineer", listTags: ["Backend"]))
    static let boris = SeedPerson(user: SeedUser(id: 3002, firstName: "Boris", nickname: "boris", email: "boris@example.com",
                                                 listTags: ["Frontend"]))
    static let vera = SeedPerson(user: SeedUser(id: 3003, firstName: "Vera", nickname: "vera", email: "vera@example.com",
                                                listTags: ["Backend", "Oncall"]))
    static let gone = SeedPerson(user: SeedUser(id: 3005, firstName: "Gone", nickname: "gone", email: "gone@example.com",
                                                suspended: true, listTags: ["Backend"]))

    static func start(generate: Int = 0) async throws -> Harness {
        let h = try await Harness.start { c in
            c.workspace = WorkspaceSeed(people: [anna, boris, vera, gone], generate: generate, generatorKey: 21)
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        return h
    }

    static let workingHours = """
        timezone: Europe/Moscow
        status: {emoji: "💻", title: Работаю}
        schedule:
          - name: lunch
            days: [mon, tue, wed, thu, fri]
            from: "13:00"
            until: "14:00"
            status: {emoji: "🍔", title: Обед, is_away: true}

        """

    /// 2027-06-07 is a Monday, in the future (an applied window's status expires at its end);
    /// Moscow is UTC+3.
    static func at(_ moscow: String) -> String { "2027-06-07T\(moscow):00+03:00" }

    static func statusChange(_ h: Harness, _ arguments: [String]) async throws -> [String: Any] {
        let run = try await h.run(["plan", "--json"] + arguments)
        let json = try Harness.json(run.stdout)
        let changes = try #require(json["changes"] as? [[String: Any]], "\(run.stdout)\(run.stderr)")
        return try #require(changes.first { $0["resource"] as? String == "status" }, "\(run.stdout)")
    }

    @Test func includeMergeOrderOwnKeysWinOwnWindowsFirst() async throws {
        try await Self.start().use { h in
            try h.write("shared/working-hours.yaml", Self.workingHours)
            try h.write("team/anna.yaml", """
                user: anna@example.com
                include: [../shared/working-hours.yaml]
                status: {emoji: "🏠", title: Дома}
                schedule:
                  - name: focus
                    days: [mon]
                    from: "12:30"
                    until: "13:30"
                    status: {emoji: "🎧", title: Фокус}

                """)
            // 13:15: both the own window (focus) and the included one (lunch) match; the own one is first.
            let both = try await Self.statusChange(h, ["--at", Self.at("13:15"), "team"])
            #expect((both["after"] as? [String: Any])?["title"] as? String == "Фокус")
            let ownSource = try #require(both["source"] as? [String: Any])
            #expect(ownSource["file"] as? String == "team/anna.yaml" && ownSource["line"] as? Int == 5, "\(ownSource)")
            // 13:45: only lunch, from the include, and the plan says where it came from.
            let lunch = try await Self.statusChange(h, ["--at", Self.at("13:45"), "team"])
            #expect((lunch["after"] as? [String: Any])?["title"] as? String == "Обед")
            let lunchSource = try #require(lunch["source"] as? [String: Any])
            #expect(lunchSource["file"] as? String == "team/../shared/working-hours.yaml" && lunchSource["line"] as? Int == 4,
                    "\(lunchSource)")
            let text = try await h.run(["plan", "--at", Self.at("13:45"), "team"])
            #expect(text.stdout.contains("from team/../shared/working-hours.yaml:4"), "\(text.stdout)")
            // 15:00: outside every window, the file's own status beats the include's.
            let base = try await Self.statusChange(h, ["--at", Self.at("15:00"), "team"])
            #expect((base["after"] as? [String: Any])?["title"] as? String == "Дома")
            #expect(await h.writes().isEmpty)

            // A folder holding the shared file: it is shared settings, not the owner's profile.
            let validate = try await h.run(["validate", "."])
            #expect(validate.exitCode == 0, "\(validate.stdout)\(validate.stderr)")
            await h.emulator.resetJournal()
            let apply = try await h.run(["apply", "--auto-approve", "--at", Self.at("13:45"), "."])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(await h.writes() == ["PUT /users/3001/status"], "\(apply.stdout)\(apply.stderr)")
        }
    }

    @Test func laterIncludeWinsAndSchedulesConcatenateInOrder() async throws {
        try await Self.start().use { h in
            try h.write("shared/a.yaml", "status: {emoji: \"🅰️\", title: A}\nschedule:\n  - {name: early, days: [mon], from: \"10:00\", until: \"12:00\", status: {emoji: \"🌅\", title: Early}}\n")
            try h.write("shared/b.yaml", "status: {emoji: \"🅱️\", title: B}\nschedule:\n  - {name: wide, days: [mon], from: \"09:00\", until: \"18:00\", status: {emoji: \"🏢\", title: Wide}}\n")
            try h.write("anna.yaml", "user: anna\ntimezone: Europe/Moscow\ninclude: [shared/a.yaml, shared/b.yaml]\n")
            // 11:00: a's window (listed before b's) matches first; 19:00: b's status (the later include).
            let morning = try await Self.statusChange(h, ["--at", Self.at("11:00"), "anna.yaml"])
            #expect((morning["after"] as? [String: Any])?["title"] as? String == "Early")
            let evening = try await Self.statusChange(h, ["--at", Self.at("19:00"), "anna.yaml"])
            #expect((evening["after"] as? [String: Any])?["title"] as? String == "B")
            #expect((evening["source"] as? [String: Any])?["file"] as? String == "shared/b.yaml")
        }
    }

    @Test func groupFilesPrecedencePerKeyOneWriteEach() async throws {
        try await Self.start(generate: 3).use { h in
            try h.write("groups/all.yaml", """
                select: all
                status: {emoji: "🙂", title: Все}
                person: {department: Company}

                """)
            try h.write("groups/backend.yaml", """
                select: {tag: Backend}
                status: {emoji: "🛠️", title: Бэкенд}

                """)
            try h.write("team/anna.yaml", "user: anna\nperson: {title: Lead}\n")
            try h.write("team/boris.yaml", "user: boris\nstatus: {emoji: \"🎮\", title: Сам}\n")
            let plan = try await h.run(["plan", "--json", "."])
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            let json = try Harness.json(plan.stdout)
            let changes = try #require(json["changes"] as? [[String: Any]])
            func after(_ id: Int, _ resource: String) -> [String: Any]? {
                changes.first { ($0["subject"] as? [String: Any])?["id"] as? Int == id && $0["resource"] as? String == resource }
            }
            // anna: tag over all for status; her own person block over the all file's.
            #expect((after(3001, "status")?["after"] as? [String: Any])?["title"] as? String == "Бэкенд")
            #expect((after(3001, "status")?["source"] as? [String: Any])?["file"] as? String == "./groups/backend.yaml")
            #expect((after(3001, "person")?["source"] as? [String: Any])?["file"] as? String == "./team/anna.yaml")
            #expect((after(3001, "person")?["changed_fields"] as? [String]) == ["title"])
            // boris: his own status; the all file's department.
            #expect((after(3002, "status")?["after"] as? [String: Any])?["title"] as? String == "Сам")
            #expect((after(3002, "person")?["source"] as? [String: Any])?["file"] as? String == "./groups/all.yaml")
            // vera has no file of her own: the tag file decides.
            #expect((after(3003, "status")?["after"] as? [String: Any])?["title"] as? String == "Бэкенд")
            // The suspended person is selected by nobody.
            #expect(after(3005, "status") == nil)

            // One listing of the workspace: 2 owner reads + ⌈W/50⌉ pages.
            await h.emulator.resetJournal()
            let apply = try await h.run(["apply", "--auto-approve", "."])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            let journal = await h.emulator.journal()
            let firstWrite = journal.firstIndex { $0.method != "GET" } ?? journal.count
            // (`apply` also checks the token's scopes first: not a read of people.)
            let reads = journal[..<firstWrite].filter { $0.apiPath != nil && $0.apiPath != "/oauth/token/info" }
            let paths = reads.map { "\($0.method) \($0.apiPath ?? "")" }
            #expect(paths.count == 3, "\(paths)")
            let writes = await h.writes()
            #expect(writes.contains("PUT /users/3003/status") && writes.contains("PUT /users/3002/status"))
            #expect(!writes.contains { $0.contains("3005") })
            #expect(await h.emulator.person(id: 3003)?.user.department == "Company")
            #expect(await h.emulator.person(id: 3001)?.user.title == "Lead")

            await h.emulator.resetJournal()
            let again = try await h.run(["plan", "--detailed-exitcode", "."])
            #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        }
    }

    @Test func sameRankConflictIsAnErrorNamingBothFilesAndThePersonBeforeAnyWrite() async throws {
        try await Self.start().use { h in
            try h.write("groups/backend.yaml", "select: {tag: Backend}\nstatus: {emoji: \"🛠️\", title: Бэкенд}\n")
            try h.write("groups/oncall.yaml", "select: {tag: Oncall}\nstatus: {emoji: \"📟\", title: Дежурю}\n")
            let apply = try await h.run(["apply", "--auto-approve", "groups"])
            #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stderr.contains("groups/oncall.yaml:2:1: error: status: groups/backend.yaml and groups/oncall.yaml both set it for @vera (id 3003)"),
                    "\(apply.stderr)")
            #expect(!apply.stderr.contains("@anna"), "anna has one tag only")
            #expect(await h.writes().isEmpty)
        }
    }

    @Test func groupFileRulesAreLocatedErrorsOffline() async throws {
        try await Self.start().use { h in
            try h.write("me.png", bytes: Harness.png())
            try h.write("shared/face.yaml", "avatar: ../me.png\n")
            try h.write("groups/bad.yaml", """
                select: {tag: Backend}
                avatar: ../me.png
                person: {first_name: Anna, title: Dev}
                include: [../shared/face.yaml]

                """)
            let validate = try await h.run(["validate", "groups/bad.yaml"])
            #expect(validate.exitCode == 1)
            #expect(validate.stderr.contains("groups/bad.yaml:2:1: error: avatar: a group file never sets avatar"), "\(validate.stderr)")
            #expect(validate.stderr.contains("groups/bad.yaml:3:10: error: person.first_name: a group file never sets names"), "\(validate.stderr)")
            #expect(await h.apiCalls().isEmpty, "validate is offline")
        }
    }

    @Test func includeErrorsAreLocatedInTheIncludingFile() async throws {
        try await Self.start().use { h in
            try h.write("shared/who.yaml", "user: boris\nstatus: {emoji: \"💻\", title: Работаю}\n")
            try h.write("shared/back.yaml", "include: [../anna.yaml]\n")
            try h.write("anna.yaml", """
                user: anna
                include:
                  - shared/missing.yaml
                  - shared/who.yaml
                  - anna.yaml
                  - shared/back.yaml

                """)
            let validate = try await h.run(["validate", "anna.yaml"])
            #expect(validate.exitCode == 1)
            let err = validate.stderr
            #expect(err.contains("anna.yaml:3:5: error: include[0]: included file not found (shared/missing.yaml)"), "\(err)")
            #expect(err.contains("anna.yaml:4:5: error: include[1]: shared/who.yaml holds 'user' (line 1)"), "\(err)")
            #expect(err.contains("anna.yaml:5:5: error: include[2]: include cycle: the file includes itself"), "\(err)")
            #expect(err.contains("anna.yaml:6:5: error: include[3]: include cycle: shared/back.yaml includes this file back"), "\(err)")
        }
    }

    @Test func anIncludeNeverLeavesTheRepositoryThroughASymlink() async throws {
        try await Self.start().use { h in
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).yaml")
            try "status: {emoji: \"💻\", title: Чужое}\n".write(to: outside, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: outside) }
            try FileManager.default.createDirectory(atPath: h.path("repo/.git"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: h.path("repo/shared"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: h.path("repo/shared/link.yaml"), withDestinationPath: outside.path)
            try h.write("repo/anna.yaml", "user: anna\ninclude: [shared/link.yaml]\n")
            let validate = try await h.run(["validate", "repo/anna.yaml"])
            #expect(validate.exitCode == 1)
            #expect(validate.stderr.contains("repo/anna.yaml:2:11: error: include[0]: cannot read the included file (repo/shared/link.yaml: a symbolic link to a file outside"),
                    "\(validate.stderr)")
            // Inside the repository a link is fine.
            try h.write("repo/shared/real.yaml", "status: {emoji: \"💻\", title: Своё}\n")
            try FileManager.default.removeItem(atPath: h.path("repo/shared/link.yaml"))
            try FileManager.default.createSymbolicLink(atPath: h.path("repo/shared/link.yaml"), withDestinationPath: "real.yaml")
            let ok = try await h.run(["validate", "repo/anna.yaml"])
            #expect(ok.exitCode == 0, "\(ok.stderr)")
        }
    }

    @Test func timelineForAPersonShowsWhereEachWindowCameFrom() async throws {
        try await Self.start().use { h in
            try h.write("shared/working-hours.yaml", Self.workingHours)
            try h.write("groups/backend.yaml", "select: {tag: Backend}\ninclude: [../shared/working-hours.yaml]\n")
            try h.write("team/anna.yaml", "user: anna\nstatus: {emoji: \"🏠\", title: Дома}\n")
            let run = try await h.run(["timeline", "--user", "anna", "--tag", "Backend", "--from", Self.at("12:00"), "--days", "1", "."])
            #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
            let lunch = try #require(run.stdout.split(separator: "\n").first { $0.contains("13:00") && $0.contains("Обед") }, "\(run.stdout)")
            #expect(lunch.contains("groups/../shared/working-hours.yaml:4"), "\(run.stdout)")
            // After lunch, her own base status (her file's key beats nothing: the group sets no status).
            let home = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("Mon 2027-06-07 14:00") }, "\(run.stdout)")
            #expect(home.contains("Дома") && home.contains("team/anna.yaml:2"), "\(run.stdout)")
            #expect(await h.apiCalls().isEmpty, "timeline is offline")
        }
    }
}
