import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Adoption and safety at scale, end to end against the emulator (the journal is the oracle):
/// `export --user` / `--all` that plans clean, state records kept per person in one store
/// (moved trees, old records migrated), the blast-radius guard, and the rollup of identical
/// changes.
@Suite(.awaitsTeardown) struct AdoptionTests {
    /// Server text a file must carry inertly: newlines, quotes, YAML syntax, emoji sequences.
    static let hostilePeople: [SeedPerson] = [
        SeedPerson(user: SeedUser(id: 5001, firstName: "Anna\n# not: a comment", nickname: "anna", email: "anna@example.com"),
                   status: SeedStatus(emoji: "👩🏽‍💻", title: "Работаю \"над\" 'этим': {yes}\nи ещё", isAway: false)),
        SeedPerson(user: SeedUser(id: 5002, firstName: "Boris", nickname: "boris", email: "boris@example.com"),
                   status: SeedStatus(emoji: "🏳️‍🌈", title: "- [x] away? no: yes", isAway: true,
                                      awayMessage: "Back on Monday.\n\nPing @vera: #urgent & *bold*",
                                      expiresAt: "2031-03-10T20:59:59.000Z")),
        SeedPerson(user: SeedUser(id: 5003, firstName: "Vera", nickname: "vera", email: "vera@example.com"),
                   status: SeedStatus(emoji: "🇷🇺", title: "null", isAway: false, expiresAt: "2030-01-01T00:00:00.000Z")),
        SeedPerson(user: SeedUser(id: 5004, firstName: "Old", nickname: "expired", email: "expired@example.com"),
                   status: SeedStatus(emoji: "⌛", title: "long gone", expiresAt: "2001-01-01T00:00:00.000Z")),
        SeedPerson(user: SeedUser(id: 5005, firstName: "Gone", nickname: "gone", email: "gone@example.com", suspended: true)),
        SeedPerson(user: SeedUser(id: 5006, firstName: "Robo", nickname: "robo", bot: true),
                   status: SeedStatus(emoji: "🤖", title: "beep")),
        SeedPerson(user: SeedUser(id: 5007, firstName: "Dots", nickname: "../../etc", email: "dots@example.com")),
        SeedPerson(user: SeedUser(id: 5008, firstName: "Case", nickname: "Anna", email: "case@example.com")),
    ]

    static func workspace(_ people: [SeedPerson], generate: Int = 0) async throws -> Harness {
        let h = try await Harness.start { c in
            c.workspace = WorkspaceSeed(people: people, generate: generate, generatorKey: 20)
            c.avatarURLNaming = .random  // no hash in the URL: only the record (or the bytes) proves an avatar
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        return h
    }

    /// API reads (not image downloads), as "METHOD /path".
    static func apiReads(_ h: Harness) async -> [String] {
        await h.emulator.journal().filter { $0.method == "GET" && $0.apiPath != nil }.map { "GET \($0.apiPath!)" }
    }

    @Test func exportAllPlansCleanForHostileTextEmojiSequencesExpiringAndAwayStatuses() async throws {
        try await Self.workspace(Self.hostilePeople, generate: 120).use { h in
            let export = try await h.run(["export", "--all", "--dir", "team", "--bots"])
            #expect(export.exitCode == 0, "\(export.stderr)")
            // Owner (2 reads) + ⌈W/50⌉ pages: 8 + 120 people and the owner = 129 → 3 pages.
            let reads = await Self.apiReads(h)
            #expect(reads.count == 2 + 3, "\(reads)")
            #expect(await h.writes().isEmpty)
            let files = try FileManager.default.contentsOfDirectory(atPath: h.path("team"))
            #expect(files.contains("anna.yaml") && files.contains("boris.yaml") && files.contains("robo.yaml"))
            #expect(!files.contains("gone.yaml"), "suspended people are never exported")
            #expect(files.contains("5007.yaml"), "a nickname that is not a file name gives way to the id")
            #expect(files.contains("Anna-5008.yaml"), "\(files.sorted())")
            #expect(export.stderr.contains("Anna-5008.yaml"), "the rename is said: \(export.stderr)")
            let anna = try String(contentsOfFile: h.path("team/anna.yaml"), encoding: .utf8)
            #expect(anna.contains("user: 5001\n"), "\(anna)")

            await h.emulator.resetJournal()
            let plan = try await h.run(["plan", "--detailed-exitcode", "team"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("No changes."), "\(plan.stdout)")
            #expect(await h.writes().isEmpty)
            // The same read bound as any plan: 2 + pages.
            #expect(await Self.apiReads(h).count <= 2 + 3 + 1)

            let noBots = try await h.run(["export", "--all", "--dir", "people"])
            #expect(noBots.exitCode == 0)
            #expect(!FileManager.default.fileExists(atPath: h.path("people/robo.yaml")), "bots only with --bots")
        }
    }

    @Test func exportUserPrintsThatPersonsFileWithItsUserLine() async throws {
        try await Self.workspace(Self.hostilePeople).use { h in
            let r = try await h.run(["export", "--user", "boris@example.com"])
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout.contains("user: 5002\n"), "\(r.stdout)")
            try h.write("boris.yaml", "\(r.stdout)")
            let plan = try await h.run(["plan", "--detailed-exitcode", "boris.yaml"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
            let nobody = try await h.run(["export", "--user", "nobody@example.com"])
            #expect(nobody.exitCode == 1)
        }
    }

    @Test func exportWithAvatarsThenPlanProvesThemByTheStateRecordWithNoUpload() async throws {
        let people = (0..<3).map { i in
            SeedPerson(user: SeedUser(id: 5100 + i, firstName: "P\(i)", nickname: "p\(i)", email: "p\(i)@example.com"),
                       avatar: SeedAvatar(bytes: Data(Harness.png(variant: UInt8(10 + i))), fileName: "photo.png"))
        }
        try await Self.workspace(people).use { h in
            let export = try await h.run(["export", "--all", "--dir", "team", "--avatars"])
            #expect(export.exitCode == 0, "\(export.stderr)")
            #expect(FileManager.default.contents(atPath: h.path("team/avatars/p1.png")) == Data(Harness.png(variant: 11)))
            let downloads = await h.emulator.journal().filter { $0.apiPath == nil && $0.method == "GET" }.count
            #expect(downloads == 3, "one download per avatar")
            #expect(FileManager.default.fileExists(atPath: h.path(h.record(5101))))

            await h.emulator.resetJournal()
            let plan = try await h.run(["plan", "--json", "--detailed-exitcode", "team"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
            let profiles = try #require(try Harness.json(plan.stdout)["profiles"] as? [[String: Any]])
            let evidence = profiles.compactMap { ($0["avatar"] as? [String: Any])?["evidence"] as? String }
            #expect(evidence.filter { $0 == "state_record" }.count == 3, "\(evidence)")
            #expect(await h.emulator.journal().allSatisfy { $0.apiPath != nil }, "no image downloaded")
            let apply = try await h.run(["apply", "--auto-approve", "team"])
            #expect(apply.exitCode == 0)
            #expect(await h.writes().isEmpty, "no upload")
        }
    }

    @Test func anExistingFileIsNotOverwrittenAndASymlinkNeverFollowed() async throws {
        try await Self.workspace(Self.hostilePeople).use { h in
            try h.write("team/anna.yaml", "# mine\n")
            let refused = try await h.run(["export", "--all", "--dir", "team"])
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("already exist") && refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(try String(contentsOfFile: h.path("team/anna.yaml"), encoding: .utf8) == "# mine\n")
            #expect(!FileManager.default.fileExists(atPath: h.path("team/boris.yaml")), "nothing written")

            try h.write("victim.txt", "precious\n")
            try FileManager.default.createSymbolicLink(atPath: h.path("team/boris.yaml"), withDestinationPath: h.path("victim.txt"))
            let forced = try await h.run(["export", "--all", "--dir", "team", "--force"])
            #expect(forced.exitCode == 1)
            #expect(forced.stderr.contains("symbolic link"), "\(forced.stderr)")
            #expect(try String(contentsOfFile: h.path("victim.txt"), encoding: .utf8) == "precious\n")
        }
    }

    /// Records are per person: a reorganized and renamed tree keeps every one of them.
    @Test func aMovedAndRenamedTreeKeepsItsRecords() async throws {
        let people = (0..<4).map { i in
            SeedPerson(user: SeedUser(id: 5200 + i, firstName: "M\(i)", nickname: "m\(i)", email: "m\(i)@example.com"))
        }
        try await Self.workspace(people).use { h in
            try h.write("a.png", bytes: Harness.png(variant: 30))
            for i in 0..<4 { try h.write("team/m\(i).yaml", "user: \(5200 + i)\navatar: ../a.png\nstatus: {emoji: \"💻\", title: Work}\n") }
            let first = try await h.run(["apply", "--auto-approve", "team"])
            #expect(first.exitCode == 0, "\(first.stdout)\(first.stderr)")
            for i in 0..<4 {
                try FileManager.default.createDirectory(atPath: h.path("by-office/office\(i % 2)"), withIntermediateDirectories: true)
                try FileManager.default.moveItem(atPath: h.path("team/m\(i).yaml"), toPath: h.path("by-office/office\(i % 2)/person-\(i).yaml"))
            }
            try FileManager.default.moveItem(atPath: h.path("a.png"), toPath: h.path("by-office/a.png"))
            for i in 0..<4 {
                try h.write("by-office/office\(i % 2)/person-\(i).yaml", "user: \(5200 + i)\navatar: ../a.png\nstatus: {emoji: \"💻\", title: Work}\n")
            }
            await h.emulator.resetJournal()
            let again = try await h.run(["apply", "--auto-approve", "by-office"])
            #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
            #expect(again.stdout.contains("No changes."), "\(again.stdout)")
            #expect(await h.writes().isEmpty, "zero avatar uploads")
        }
    }

    /// A record an earlier version kept beside the file is read, then moved into the store.
    @Test func anOldPerFileRecordIsReadAndMoved() async throws {
        try await Harness.with(configure: { $0.avatarURLNaming = .random }) { h in
            try h.write("me.png", bytes: Harness.png(variant: 40))
            try h.write("profiles/me.yaml", "avatar: ../me.png\n")
            // Where earlier versions wrote it.
            let first = try await h.run(["apply", "--auto-approve", "--state", "profiles/.me.state.json", "profiles/me.yaml"])
            #expect(first.exitCode == 0, "\(first.stderr)")
            #expect(FileManager.default.fileExists(atPath: h.path("profiles/.me.state.json")))

            let plan = try await h.run(["plan", "--json", "profiles/me.yaml"])
            let avatar = try #require(try Harness.json(plan.stdout)["avatar"] as? [String: Any])
            #expect(avatar["evidence"] as? String == "state_record", "\(plan.stdout)")

            await h.emulator.resetJournal()
            let apply = try await h.run(["apply", "--auto-approve", "profiles/me.yaml"])
            #expect(apply.exitCode == 0, "\(apply.stderr)")
            #expect(await h.writes().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: h.path("profiles/.me.state.json")), "moved")
            let moved = try String(contentsOfFile: h.path(h.record()), encoding: .utf8)
            #expect(moved.contains("\"sha256\""), "\(moved)")
        }
    }

    // MARK: the blast-radius guard

    /// 20 people with a status; `changed` of their files change its title (updates), the
    /// others match. `fresh` more people without a status get one (creates).
    static func guarded(changed: Int, fresh: Int = 0) async throws -> Harness {
        var people = (0..<20).map { i in
            SeedPerson(user: SeedUser(id: 6000 + i, firstName: "G\(i)", nickname: "g\(i)", email: "g\(i)@example.com"),
                       status: SeedStatus(emoji: "💻", title: "Old"))
        }
        people += (0..<fresh).map { i in
            SeedPerson(user: SeedUser(id: 6100 + i, firstName: "F\(i)", nickname: "f\(i)", email: "f\(i)@example.com"))
        }
        let h = try await workspace(people)
        for i in 0..<20 {
            try h.write(String(format: "team/g%02d.yaml", i), "user: \(6000 + i)\nstatus: {emoji: \"💻\", title: \(i < changed ? "New" : "Old")}\n")
        }
        for i in 0..<fresh { try h.write(String(format: "team/f%02d.yaml", i), "user: \(6100 + i)\nstatus: {emoji: \"💻\", title: New}\n") }
        return h
    }

    @Test func theGuardRefusesEightUpdatesAmongTwentyAndLetsThemThroughWhenAllowed() async throws {
        for allowed in ["10", "50%", "all"] {
            try await Self.guarded(changed: 8).use { h in
                let refused = try await h.run(["apply", "--auto-approve", "team"])
                #expect(refused.exitCode == 1)
                #expect(refused.stderr.contains("8 profiles would have a live status or avatar updated or deleted, more than the limit of 6"),
                        "\(refused.stderr)")
                #expect(refused.stderr.contains("--max-changes"))
                #expect(await h.writes().isEmpty)

                let plan = try await h.run(["plan", "--json", "team"])
                let radius = try #require(try Harness.json(plan.stdout)["guard"] as? [String: Any])
                #expect(radius["changes"] as? Int == 8 && radius["limit"] as? Int == 6 && radius["exceeded"] as? Bool == true)
                let text = try await h.run(["plan", "team"])
                #expect(text.stdout.contains("apply would refuse this run"), "\(text.stdout)")

                let through = try await h.run(["apply", "--auto-approve", "--max-changes", allowed, "team"])
                #expect(through.exitCode == 0, "\(allowed): \(through.stdout)\(through.stderr)")
                #expect(await h.writes().count == 8)
            }
        }
    }

    @Test func createsDoNotCount() async throws {
        try await Self.guarded(changed: 0, fresh: 12).use { h in
            let apply = try await h.run(["apply", "--auto-approve", "team"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(await h.writes().count == 12)
        }
    }

    @Test func aSavedPlanIsCheckedAgain() async throws {
        try await Self.guarded(changed: 8).use { h in
            let saved = try await h.run(["plan", "--out", "plan.json", "team"])
            #expect(saved.exitCode == 0, "\(saved.stderr)")
            let refused = try await h.run(["apply", "--plan", "plan.json"])
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("more than the limit of 6"), "\(refused.stderr)")
            #expect(await h.writes().isEmpty)
            // Allowed when planned, allowed when applied.
            let allowed = try await h.run(["plan", "--out", "allowed.json", "--max-changes", "all", "team"])
            #expect(allowed.exitCode == 0)
            let applied = try await h.run(["apply", "--plan", "allowed.json"])
            #expect(applied.exitCode == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(await h.writes().count == 8)
        }
    }

    @Test(.enabled(if: SchemaValidator.available || SchemaValidator.isCI,
                   "python3 with jsonschema is not installed (pip install jsonschema); .ci/run installs it"))
    func theGuardsDocumentsMatchTheirSchemas() async throws {
        try #require(SchemaValidator.available, "jsonschema must be installed under CI=true")
        try await Self.guarded(changed: 8).use { h in
            let plan = try await h.run(["plan", "--json", "--out", "plan.json", "team"])
            let refused = try await h.run(["apply", "--json", "--auto-approve", "team"])
            #expect(refused.exitCode == 1)
            #expect(refused.stdout.contains("\"kind\":\"too_many_changes\""), "\(refused.stdout)")
            let applied = try await h.run(["apply", "--json", "--auto-approve", "--max-changes", "all", "team"])
            let saved = try String(contentsOfFile: h.path("plan.json"), encoding: .utf8)
            #expect(saved.contains("\"run_profiles\" : 20") && saved.contains("\"max_changes\" : \"automatic\""), "\(saved)")
            let problems = try SchemaValidator.problems([
                ("plan", "plan over the limit", plan.stdout), ("error", "apply refused", refused.stdout),
                ("apply", "apply allowed", applied.stdout), ("saved-plan", "saved plan", saved),
            ])
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    // MARK: rollup

    @Test func fortyIdenticalChangesRenderAsOneGroupAndExpandAsForty() async throws {
        let people = (0..<40).map { i in
            SeedPerson(user: SeedUser(id: 7000 + i, firstName: "R\(i)", nickname: "r\(i)", email: "r\(i)@example.com"),
                       status: SeedStatus(emoji: "💻", title: "Работаю"))
        }
        try await Self.workspace(people).use { h in
            for i in 0..<40 { try h.write(String(format: "team/r%02d.yaml", i), "user: \(7000 + i)\nstatus: {emoji: \"💻\", title: Working}\n") }
            let plan = try await h.run(["plan", "team"])
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("40 profiles: ~ status.title \"Работаю\" → \"Working\" — team/r00.yaml, team/r01.yaml and 38 more\n"),
                    "\(plan.stdout)")
            #expect(!plan.stdout.contains("Profile: "))
            #expect(plan.stdout.contains("Plan: 40 profiles to change (0 to create, 40 to change, 0 to delete), 0 in sync."))
            let expanded = try await h.run(["plan", "--expand", "team"])
            #expect(expanded.stdout.components(separatedBy: "Profile: ").count - 1 == 40)
            let summary = h.path("summary.md")
            try h.write("summary.md", "")
            _ = try await h.run(["plan", "team"], env: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary])
            let md = try String(contentsOfFile: summary, encoding: .utf8)
            #expect(md.contains("**40 profiles** — team/r00.yaml, team/r01.yaml and 38 more"), "\(md)")
        }
    }
}
