import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Hostile identities, lock timeouts, short tokens and deleted people, end to end: each test
/// names the call of the pipeline that holds it.
@Suite(.awaitsTeardown)
struct HostileHandoffTests {
    /// Needs `ReadPlanner.matches` → `UserReference.matches(id:email:nickname:)`.
    @Test func aKelvinSignLookAlikeIsNobody() async throws {
        let lookAlike = SeedPerson(user: SeedUser(id: 5001, firstName: "Kate", nickname: "kate1", email: "\u{212A}ate@example.com"))
        let h = try await HostileIdentityTests.start(people: [lookAlike], generate: 5)
        try await withTeardown(h) {
            try h.write("team/kate.yaml", "user: kate@example.com\nstatus: {emoji: \"💻\", title: Work}\n")
            let apply = try await h.run(["apply", "--auto-approve", "team"])
            #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stderr.contains("nobody in the workspace has the email 'kate@example.com'"), "\(apply.stderr)")
            #expect(await h.writes().isEmpty)
        }
    }

    /// Needs `TokenSource.checked` → `APIToken.shortness(of:from:)` (exit 3).
    @Test func aShortTokenIsRefusedAndNeverPrinted() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let run = try await h.run(["plan", "me.yaml"], env: ["PACHCA_TOKEN": "12"])
            #expect(run.exitCode == 3, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("too short for a Pachca token"), "\(run.stderr)")
            // With --json: one well-formed document (a 2-character secret used to be cut out of it).
            let json = try await h.run(["plan", "--json", "me.yaml"], env: ["PACHCA_TOKEN": "12"])
            #expect(json.exitCode == 3)
            let document = try Harness.json(json.stdout)
            #expect((document["error"] as? [String: Any])?["exit_code"] as? Int == 3, "\(json.stdout)")
            #expect(await h.apiCalls().isEmpty)
        }
    }

    /// Needs `StateLocking.acquire` → `StateLock.configuredTimeout(environment:)` (usage error).
    @Test(arguments: ["1e19", "0x10"]) func aLockTimeoutThatIsNotDecimalIsAUsageError(_ value: String) async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let run = try await h.run(["apply", "--auto-approve", "me.yaml"], env: ["PACHCA_LOCK_TIMEOUT": value])
            #expect(run.exitCode == 64, "\(run.stderr)")
            #expect(run.stderr == "error: PACHCA_LOCK_TIMEOUT=\(value): expected a number of seconds between 0 and 86400"
                        + " (plain decimal digits such as 30 or 0.5)\n", "\(run.stderr)")
            #expect(await h.writes().isEmpty)
        }
    }

    /// Needs `CLIError.from` to skip its "is there a Pachca API" hint when `missingPersonID != nil`.
    @Test func aDeletedPersonGetsNoAPIURLHint() async throws {
        let anna = SeedPerson(user: SeedUser(id: 3001, firstName: "Anna", nickname: "anna", email: "anna@example.com"))
        let h = try await HostileIdentityTests.start(people: [anna], generate: 10)
        try await withTeardown(h) {
            try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"💻\", title: Work}\n")
            #expect(try await h.run(["plan", "--out", "plan.json", "team"]).exitCode == 0)
            await h.emulator.removePerson(id: 3001)
            let apply = try await h.run(["apply", "--plan", "plan.json"])
            #expect(apply.exitCode == 1)
            #expect(apply.stderr.contains("person 3001 not found"), "\(apply.stderr)")
            #expect(!apply.stderr.contains("is there a Pachca API at this URL"), "\(apply.stderr)")
        }
    }
}
