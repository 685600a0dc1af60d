import Foundation
import PachcaEmulator
import Testing
import TestTeardown

/// The contract scripts rely on (SPEC §2, §9): saved plans bound to their account, every
/// `--json` document complete and valid against `docs/schemas/`.
@Suite(.awaitsTeardown) struct ContractTests {
    static let otherToken = "other-token-7c1d93aa52e04f18"

    static func otherWorkspace(_ c: inout EmulatorConfiguration) {
        c.user = SeedUser(id: 2002, firstName: "Olga", lastName: "Other", nickname: "olga", email: "olga@example.com")
        c.tokens = [TokenGrant(token: otherToken, scopes: EmulatorConfiguration.allProfileScopes, userID: 2002)]
    }

    @Test func savedPlanForAnotherAccountIsRefusedBeforeAnyWrite() async throws {
        let first = try await Harness.start { c in
            c.tokens.append(TokenGrant(token: Self.otherToken, scopes: EmulatorConfiguration.allProfileScopes, userID: 2002))
        }
        let second = try await Harness.start(token: Self.otherToken, configure: Self.otherWorkspace)
        try first.write("me.yaml", ReconcileTests.statusOnly)
        let plan = try await first.run(["plan", "--out", "plan.json", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let saved = try String(contentsOfFile: first.path("plan.json"), encoding: .utf8)
        #expect(saved.contains("\"token_owner_id\" : 1001"))
        #expect(!saved.contains(first.token), "no token in the artifact")

        // Another API (another workspace, another user): refused before any request to it.
        let otherAPI = try await runProfileTool(["apply", "--plan", "plan.json"], env: second.environment, cwd: first.directory)
        #expect(otherAPI.exitCode == 1, "\(otherAPI.stdout)\(otherAPI.stderr)")
        #expect(otherAPI.stderr.contains("the plan was made for \(first.emulator.baseURL.absoluteString), this run uses \(second.emulator.baseURL.absoluteString)"),
                "\(otherAPI.stderr)")
        #expect(await second.emulator.journal().isEmpty, "nothing read or written at the other API")

        // Same API, a token of someone else.
        let otherOwner = try await first.run(["apply", "--plan", "plan.json"], env: ["PACHCA_TOKEN": Self.otherToken])
        #expect(otherOwner.exitCode == 1)
        #expect(otherOwner.stderr.contains("token owner: the plan was made with a token of user 1001, this token belongs to user 2002"),
                "\(otherOwner.stderr)")

        // The plan names another person than the profile the token reaches.
        let otherSubject = saved.replacingOccurrences(of: "\"subject_ids\" : [\n      1001", with: "\"subject_ids\" : [\n      3003")
        #expect(otherSubject != saved)
        try otherSubject.write(toFile: first.path("plan.json"), atomically: true, encoding: .utf8)
        let otherPerson = try await first.run(["apply", "--plan", "plan.json", "--json"])
        #expect(otherPerson.exitCode == 1)
        #expect(otherPerson.stderr.contains("person: the plan was made for user 3003, this run would change user 1001"),
                "\(otherPerson.stderr)")
        let error = try #require(try Harness.json(otherPerson.stdout)["error"] as? [String: Any])
        #expect(error["kind"] as? String == "plan_mismatch")
        #expect(error["exit_code"] as? Int == 1)
        #expect(await first.writes().isEmpty)
        #expect(await second.writes().isEmpty)
    }

    @Test func savedPlanAppliedFromAnotherDirectoryIsNotStale() async throws {
        let h = try await Harness.start()
        try h.write("profiles/avatars/me.png", bytes: Harness.png(variant: 3))
        try h.write("profiles/me.yaml", ReconcileTests.statusOnly + "\navatar: avatars/me.png\n")
        try FileManager.default.createDirectory(atPath: h.path("out"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: h.path("elsewhere"), withIntermediateDirectories: true)
        let plan = try await h.run(["plan", "--out", "out/plan.json", "profiles/me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let saved = try String(contentsOfFile: h.path("out/plan.json"), encoding: .utf8)
        #expect(saved.contains("\"resolved_path\" : \"../profiles/avatars/me.png\""), "paths relative to the plan file")

        let apply = try await runProfileTool(["apply", "--plan", "../out/plan.json"], env: h.environment,
                                             cwd: h.directory.appendingPathComponent("elsewhere"))
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(await h.writes().sorted() == ["PUT /profile/avatar", "PUT /profile/status"])
        #expect(FileManager.default.fileExists(atPath: h.path("elsewhere/" + h.record())),
                "the state record in the store of the folder apply ran in")
    }

    @Test(.enabled(if: SchemaValidator.available || SchemaValidator.isCI,
                   "python3 with jsonschema is not installed (pip install jsonschema); .ci/run installs it"))
    func everyJSONDocumentMatchesItsSchema() async throws {
        try #require(SchemaValidator.available, "jsonschema must be installed under CI=true")
        var documents: [(schema: String, label: String, document: String)] = []
        func collect(_ schema: String, _ label: String, _ r: RunResult, exit: Int32) {
            #expect(r.exitCode == exit, "\(label): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.hasSuffix("\n") && r.stdout.dropLast().split(separator: "\n").count <= 1 || schema == "saved-plan",
                    "\(label): one document on one line")
            documents.append((schema, label, r.stdout))
        }

        let h = try await Harness.start { c in
            c.tokens.append(TokenGrant(token: "read-only-token-9d0c4be1", scopes: ["profile:read", "profile_status:read"]))
        }
        try h.write("me.png", bytes: Harness.png(variant: 5))
        try h.write("me.yaml", ReconcileTests.vacation)
        try h.write("status.yaml", ReconcileTests.statusOnly)
        try h.write("bad.yaml", "status:\n  title: 3\n  emoji: \"💻\"\nnope: 1\n")
        let readOnly = ["PACHCA_TOKEN": "read-only-token-9d0c4be1"]
        let wrongPath = ["PACHCA_API_URL": h.emulator.baseURL.absoluteString + "/wrong"]

        collect("validate", "valid", try await h.run(["validate", "--json", "me.yaml"]), exit: 0)
        collect("validate", "invalid", try await h.run(["validate", "--json", "me.yaml", "bad.yaml", "missing.yaml"]), exit: 1)
        collect("error", "usage", try await h.run(["validate", "--json", "--bogus", "me.yaml"]), exit: 64)
        collect("show", "no status, no custom properties scope", try await h.run(["show", "--json"], env: readOnly), exit: 0)
        collect("plan", "changes", try await h.run(["plan", "--json", "--out", "plan.json", "me.yaml"]), exit: 0)
        documents.append(("saved-plan", "plan --out", try String(contentsOfFile: h.path("plan.json"), encoding: .utf8)))
        collect("error", "invalid file", try await h.run(["plan", "--json", "bad.yaml"]), exit: 1)
        collect("error", "no token", try await h.run(["plan", "--json", "me.yaml"], env: ["PACHCA_TOKEN": ""]), exit: 3)
        collect("error", "api url without scheme", try await h.run(["plan", "--json", "me.yaml"], env: ["PACHCA_API_URL": "127.0.0.1:1/x"]), exit: 1)
        collect("error", "bad PACHCA_TIMEOUT", try await h.run(["plan", "--json", "me.yaml"], env: ["PACHCA_TIMEOUT": "soon"]), exit: 64)
        collect("error", "no API at the URL", try await h.run(["plan", "--json", "me.yaml"], env: wrongPath), exit: 1)
        collect("error", "json needs auto-approve", try await h.run(["apply", "--json", "me.yaml"]), exit: 64)
        collect("error", "missing scope", try await h.run(["apply", "--json", "--auto-approve", "me.yaml"], env: readOnly), exit: 3)
        collect("apply", "applied", try await h.run(["apply", "--json", "--auto-approve", "me.yaml"]), exit: 0)
        collect("error", "stale plan", try await h.run(["apply", "--json", "--plan", "plan.json"]), exit: 1)
        collect("apply", "in sync", try await h.run(["apply", "--json", "--auto-approve", "me.yaml"]), exit: 0)
        collect("plan", "in sync", try await h.run(["plan", "--json", "me.yaml"]), exit: 0)
        collect("show", "status and avatar", try await h.run(["show", "--json"]), exit: 0)
        collect("doctor", "ok", try await h.run(["doctor", "--json"]), exit: 0)
        collect("doctor", "missing scope", try await h.run(["doctor", "--json", "me.yaml"], env: readOnly), exit: 3)
        collect("doctor", "no API at the URL", try await h.run(["doctor", "--json"], env: wrongPath), exit: 1)
        collect("doctor", "bad URL", try await h.run(["doctor", "--json"], env: ["PACHCA_API_URL": "127.0.0.1:1/x"]), exit: 1)
        await h.emulator.injectFault(.status(400), method: "PUT", path: "/profile/status")
        try h.write("status.yaml", "status: {emoji: \"🔥\", title: \"Busy\"}\navatar: null\n")
        collect("apply", "partial", try await h.run(["apply", "--json", "--auto-approve", "status.yaml"]), exit: 1)
        await h.emulator.revokeToken(h.token)
        collect("doctor", "token rejected", try await h.run(["doctor", "--json"]), exit: 3)
        collect("error", "token rejected", try await h.run(["show", "--json"]), exit: 3)

        let problems = try SchemaValidator.problems(documents)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(Set(documents.map(\.schema)) == ["validate", "show", "plan", "saved-plan", "error", "apply", "doctor"])
    }

    @Test func schemaValidatorIsPresentUnderCI() {
        if SchemaValidator.isCI { #expect(SchemaValidator.available, "CI=true needs python3 with jsonschema (.ci/run installs it)") }
    }
}
