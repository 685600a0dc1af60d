import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// One pipeline for one file and for many: the same documents, errors and summaries whatever
/// the number of files, and a failure that belongs to one file stays that file's.
@Suite(.awaitsTeardown) struct OnePipelineTests {
    /// A person whose Pachca profile has no time zone, for `timezone: profile`.
    static let zoneless = SeedPerson(user: SeedUser(id: 3010, firstName: "Zoe", nickname: "zoe", email: "zoe@example.com",
                                                    timeZone: nil))

    static func start() async throws -> Harness {
        let h = try await TeamTests.start(people: [TeamTests.anna, TeamTests.boris, TeamTests.vera, zoneless])
        try h.write("team/zoe.yaml", """
            user: zoe
            timezone: profile
            status: {emoji: "💻", title: Работаю}
            schedule:
              - name: lunch
                days: [mon, tue, wed, thu, fri, sat, sun]
                from: "13:00"
                until: "14:00"
                status: {emoji: "🍔", title: Обед}
            """)
        return h
    }

    @Test func aTargetThatMatchesNoFileIsAnError() async throws {
        try await Harness.with(configure: { c in
            c.workspace = WorkspaceSeed(people: [TeamTests.anna], generate: 0, generatorKey: 1)
        }) { h in
            await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
            try h.write("team/anna.yaml", "user: anna\nstatus: null\n")
            for command in [["plan"], ["apply", "--auto-approve"]] {
                let r = try await h.run(command + ["--target", "nobody@example.com", "team"])
                #expect(r.exitCode == 1, "\(command): \(r.stdout)\(r.stderr)")
                #expect(r.stderr.contains("--target nobody@example.com matches none of the files"), "\(r.stderr)")
                #expect(r.stdout.isEmpty, "\(r.stdout)")
            }
            #expect(await h.writes().isEmpty)
        }
    }

    @Test func anUnknownZoneFailsOnlyItsFile() async throws {
        try await Self.start().use { h in
            let plan = try await h.run(["plan", "--json", "team"])
            #expect(plan.exitCode == 1, "\(plan.stderr)")
            #expect(plan.stderr.contains("team/zoe.yaml: timezone: profile"), "\(plan.stderr)")
            let doc = try Harness.json(plan.stdout)
            let profiles = try #require(doc["profiles"] as? [[String: Any]])
            let zoe = try #require(profiles.first { $0["file"] as? String == "team/zoe.yaml" })
            #expect(zoe["outcome"] as? String == "failed")
            #expect((zoe["error"] as? String)?.contains("time_zone") == true)
            #expect(profiles.filter { $0["outcome"] as? String == "changes" }.count == 4)

            // No partial artifact: the plan file is not written, and the run says so.
            let saved = try await h.run(["plan", "--out", "plan.json", "team"])
            #expect(saved.exitCode == 1)
            #expect(saved.stderr.contains("Not saved to plan.json: 1 profile could not be planned"), "\(saved.stderr)")
            #expect(!FileManager.default.fileExists(atPath: h.path("plan.json")))

            let apply = try await h.run(["apply", "--auto-approve", "team"])
            #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("Apply incomplete: 1 of 5 profiles failed"), "\(apply.stdout)")
            let writes = await h.writes()
            #expect(writes.contains("PUT /users/3001/status"))
            #expect(!writes.contains { $0.contains("3010") })
        }
    }

    @Test func invalidFilesUnderJSONCarryEveryDiagnosticWithItsFile() async throws {
        try await Harness.with { h in
            try h.write("bad/one.yaml", "status: {emoji: \"💻\", title: \"\(String(repeating: "x", count: 60))\"}\n")
            try h.write("bad/two.yaml", "statuz: null\nsecret: 1\n")
            for files in [["bad/one.yaml"], ["bad"]] {
                let r = try await h.run(["plan", "--json"] + files)
                #expect(r.exitCode == 1)
                let error = try #require(try Harness.json(r.stdout)["error"] as? [String: Any])
                #expect(error["kind"] as? String == "invalid_file")
                let diagnostics = try #require(error["diagnostics"] as? [[String: Any]])
                let named = Set(diagnostics.compactMap { $0["file"] as? String })
                #expect(named == Set(files == ["bad"] ? ["bad/one.yaml", "bad/two.yaml"] : ["bad/one.yaml"]), "\(diagnostics)")
                #expect(diagnostics.allSatisfy { ($0["line"] as? Int ?? 0) > 0 })
            }
            #expect(await h.apiCalls().isEmpty)
        }
    }

    @Test func teamRunsWriteTheStepSummary() async throws {
        try await TeamTests.start().use { h in
            let summary = h.path("summary.md")
            try Data().write(to: URL(fileURLWithPath: summary))
            let env = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary]
            let plan = try await h.run(["plan", "team"], env: env)
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            var text = try String(contentsOfFile: summary, encoding: .utf8)
            #expect(text.contains("### pachca-profile plan: 4 files"), "\(text)")
            #expect(text.contains("| status | create | title | — | `Работаю` |"), "\(text)")
            #expect(text.contains("**Plan: 4 profiles to change"), "\(text)")

            let apply = try await h.run(["apply", "--auto-approve", "team"], env: env)
            #expect(apply.exitCode == 0, "\(apply.stderr)")
            text = try String(contentsOfFile: summary, encoding: .utf8)
            #expect(text.contains("### pachca-profile apply: 4 files"), "\(text)")
            #expect(text.contains("**Apply complete! 4 profiles changed and verified"), "\(text)")
        }
    }

    @Test(.enabled(if: SchemaValidator.available || SchemaValidator.isCI,
                   "python3 with jsonschema is not installed (pip install jsonschema); .ci/run installs it"))
    func oneSchemaPerCommandForOneFileAndForMany() async throws {
        try #require(SchemaValidator.available, "jsonschema must be installed under CI=true")
        try await Self.start().use { h in
            try h.write("solo/me.yaml", "status: {emoji: \"💻\", title: Сам}\n")
            try h.write("bad.yaml", "status: {emoji: x}\n")
            var documents: [(schema: String, label: String, document: String)] = []
            func collect(_ schema: String, _ label: String, _ r: RunResult, exit: Int32) {
                #expect(r.exitCode == exit, "\(label): \(r.stdout)\(r.stderr)")
                documents.append((schema, label, r.stdout))
            }
            collect("plan", "one file", try await h.run(["plan", "--json", "solo/me.yaml"]), exit: 0)
            collect("plan", "many files, one failing", try await h.run(["plan", "--json", "team"]), exit: 1)
            collect("plan", "one other person", try await h.run(["plan", "--json", "team/anna.yaml"]), exit: 0)
            collect("error", "invalid file", try await h.run(["plan", "--json", "bad.yaml"]), exit: 1)
            collect("error", "unknown target", try await h.run(["plan", "--json", "--target", "nobody", "team"]), exit: 1)
            collect("apply", "one file", try await h.run(["apply", "--json", "--auto-approve", "solo/me.yaml"]), exit: 0)
            collect("apply", "many files, one failing", try await h.run(["apply", "--json", "--auto-approve", "team"]), exit: 1)
            collect("apply", "in sync", try await h.run(["apply", "--json", "--auto-approve", "solo/me.yaml"]), exit: 0)

            let one = try Harness.json(documents[0].document)
            #expect(one["file"] as? String == "solo/me.yaml")
            #expect((one["profiles"] as? [Any])?.count == 1)
            let many = try Harness.json(documents[1].document)
            #expect(many["file"] is NSNull)
            #expect(many["format_version"] as? String == "1")
            let problems = try SchemaValidator.problems(documents)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func oneFileSavedPlanIsTheRunFormatAndApplies() async throws {
        try await Harness.with { h in
            try h.write("profiles/me.yaml", "status: {emoji: \"💻\", title: Работаю}\n")
            let plan = try await h.run(["plan", "--out", "plan.json", "profiles/me.yaml"])
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            #expect(plan.stderr.contains("Saved the plan to plan.json"), "\(plan.stderr)")
            let saved = try Harness.json(try String(contentsOfFile: h.path("plan.json"), encoding: .utf8))
            #expect((saved["profiles"] as? [Any])?.count == 1)
            let apply = try await h.run(["apply", "--plan", "plan.json"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(await h.writes() == ["PUT /profile/status"])
        }
    }
}
