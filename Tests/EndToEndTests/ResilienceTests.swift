import Foundation
import PachcaEmulator
import Testing
import TestTeardown

/// Retries, auth failures and secrecy, end to end (SPEC §3, §4, §6).
@Suite(.awaitsTeardown) struct ResilienceTests {
    @Test func rateLimitedCallWaitsForRetryAfter() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        await h.emulator.injectFault(.rateLimited(retryAfter: 1), method: "GET", path: "/profile/status", count: 1)
        let plan = try await h.run(["plan", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let statusCalls = await h.emulator.journal().filter { $0.apiPath == "/profile/status" }
        #expect(statusCalls.map(\.status) == [429, 200])
        if statusCalls.count == 2 {
            let waited = statusCalls[1].time.timeIntervalSince(statusCalls[0].time)
            #expect(waited >= 1.0, "retried after \(waited) s, before Retry-After")
        }
    }

    @Test func transientFailuresAreRetried() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        await h.emulator.injectFault(.status(502), method: "GET", path: "/profile", count: 2)
        await h.emulator.injectFault(.drop, method: "GET", path: "/profile/status", count: 1)
        let plan = try await h.run(["plan", "-v", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan: 1 to create"))
        let profileCalls = await h.emulator.journal().filter { $0.apiPath == "/profile" }.map(\.status)
        #expect(profileCalls == [502, 502, 200])
        #expect(plan.stderr.contains("GET /profile → 502 (attempt 1"))
    }

    @Test func persistentServerErrorGivesUpWithinTheDeadline() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        await h.emulator.injectFault(.status(503), method: "GET", path: "/profile", count: 1000)
        let started = Date()
        let plan = try await h.run(["plan", "me.yaml"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(plan.exitCode == 1)
        #expect(plan.stderr.contains("503"), "\(plan.stderr)")
        #expect(elapsed < 60)
        let attempts = await h.emulator.journal().filter { $0.apiPath == "/profile" }.count
        #expect(attempts > 1 && attempts <= 5)
    }

    @Test func unknownTokenIsExit3BeforeAnyWrite() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        for args in [["plan", "me.yaml"], ["apply", "--auto-approve", "me.yaml"], ["doctor"]] {
            let r = try await h.run(args, env: ["PACHCA_TOKEN": "not-a-known-token-123456"])
            #expect(r.exitCode == 3, "\(args): \(r.stderr)")
        }
        let noToken = try await h.run(["plan", "me.yaml"], env: ["PACHCA_TOKEN": ""])
        #expect(noToken.exitCode == 3)
        #expect(noToken.stderr.contains("PACHCA_TOKEN"))
        #expect(await h.writes().isEmpty)
    }

    @Test func missingWriteScopeFailsBeforeAnyWrite() async throws {
        let h = try await Harness.start()
        await h.emulator.setTokenScopes(token: h.token, scopes: ["profile:read", "profile_status:read", "profile_status:write"])
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 3, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stderr.contains("profile_avatar:write"))
        #expect(await h.writes().isEmpty, "the status must not be written when the avatar cannot be")
        #expect(await h.apiCalls().contains("GET /oauth/token/info"))

        let doctor = try await h.run(["doctor"])
        #expect(doctor.exitCode == 3)
        #expect(doctor.stdout.contains("FAIL scopes: missing profile_avatar:write"), "\(doctor.stdout)")
    }

    @Test func plainHTTPToARemoteHostIsRefused() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let r = try await h.run(["plan", "--api-url", "http://api.example.invalid/api/shared/v1", "me.yaml"])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("http://"))
    }

    @Test func theTokenAppearsNowhere() async throws {
        let secret = "SECRET-tok-9f8e7d6c5b4a39281706"
        let h = try await Harness.start(token: secret)
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        try h.write("token.txt", secret + "\n")
        var outputs: [String] = []
        for args in [["plan", "-v", "--out", "plan.json", "me.yaml"], ["apply", "-v", "--auto-approve", "me.yaml"],
                     ["show", "-v"], ["doctor", "-v", "--json"], ["export", "-v"]] {
            let r = try await h.run(args, env: ["GITHUB_ACTIONS": "true"])
            #expect(r.exitCode == 0, "\(args): \(r.stderr)")
            outputs.append(r.stdout + r.stderr)
        }
        // Same runs with the token from a file and from the flag, and a 401 with a distinct token.
        let viaFile = try await h.run(["plan", "-v", "--token-file", "token.txt", "me.yaml"], env: ["PACHCA_TOKEN": ""])
        let viaFlag = try await h.run(["show", "-v", "--token", secret], env: ["PACHCA_TOKEN": ""])
        let rejected = try await h.run(["plan", "-v", "me.yaml"], env: ["PACHCA_TOKEN": "SECRET-rejected-1234567890"])
        #expect(viaFile.exitCode == 0, "\(viaFile.stderr)")
        #expect(viaFlag.exitCode == 0, "\(viaFlag.stderr)")
        #expect(rejected.exitCode == 3)
        let all = outputs + [viaFile, viaFlag, rejected].map { $0.stdout + $0.stderr }
            + [try String(contentsOfFile: h.path("plan.json"), encoding: .utf8)]
            + [(try? String(contentsOfFile: h.path(h.record()), encoding: .utf8)) ?? ""]
        for text in all {
            #expect(!text.contains(secret))
            #expect(!text.contains("SECRET-rejected"))
            #expect(!text.contains("9f8e7d6c5b4a"))
        }
        #expect(rejected.stderr.contains("GET /profile"), "verbose trace present: \(rejected.stderr)")
    }
}
