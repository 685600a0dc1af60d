import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Each diagnostic that used to mislead (issue 9, "Why"): the new text and exit code.
@Suite(.awaitsTeardown) struct MessageTests {
    @Test func exportIntoAMissingFolderNamesTheFolder() async throws {
        try await Harness.with { h in
            let r = try await h.run(["export", "-o", "nowhere/me.yaml"])
            #expect(r.exitCode == 1)
            #expect(r.stderr == "error: cannot write nowhere/me.yaml: the folder nowhere does not exist (create it first)\n")
            let avatar = try await h.run(["export", "--avatar-out", "missing/me.png"])
            #expect(avatar.exitCode == 0, "no live avatar: nothing to save")
        }
    }

    @Test func badTimeoutIsAUsageErrorFromTheFlagAndTheEnvironment() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let env = try await h.run(["plan", "me.yaml"], env: ["PACHCA_TIMEOUT": "soon"])
            #expect(env.exitCode == 64)
            #expect(env.stderr.hasPrefix("Error: PACHCA_TIMEOUT=soon: expected a number of seconds between 0.001 and 86400\n"))
            let flag = try await h.run(["plan", "--timeout", "0", "me.yaml"])
            #expect(flag.exitCode == 64)
            #expect(flag.stderr.hasPrefix("Error: --timeout: expected a number of seconds between 0.001 and 86400\n"))
            #expect(await h.apiCalls().isEmpty)
            let lock = try await h.run(["apply", "--auto-approve", "me.yaml"], env: ["PACHCA_LOCK_TIMEOUT": "later"])
            #expect(lock.exitCode == 64)
            #expect(lock.stderr == "error: PACHCA_LOCK_TIMEOUT=later: expected a number of seconds between 0 and 86400 (plain decimal digits such as 30 or 0.5)\n")
            #expect(await h.writes().isEmpty)
        }
    }

    @Test func apiURLWithoutSchemeSuggestsOne() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let loopback = try await h.run(["plan", "--api-url", "127.0.0.1:8080/x", "me.yaml"])
            #expect(loopback.exitCode == 1)
            #expect(loopback.stderr == "error: invalid API URL '127.0.0.1:8080/x': no scheme; did you mean 'http://127.0.0.1:8080/x'?\n")
            let remote = try await h.run(["show", "--api-url", "api.pachca.com/api/shared/v1"])
            #expect(remote.stderr.contains("did you mean 'https://api.pachca.com/api/shared/v1'?"))
        }
    }

    @Test func anExpiredDesiredStatusIsWarnedOnceInPlan() async throws {
        try await Harness.with { h in
            try h.write("past.yaml", "status:\n  emoji: \"🏖️\"\n  title: \"Был в отпуске\"\n  expires_at: 2020-01-01T00:00:00Z\n")
            let r = try await h.run(["plan", "past.yaml"])
            #expect(r.exitCode == 0, "\(r.stderr)")
            let everything = r.stdout + r.stderr
            #expect(everything.components(separatedBy: "2020-01-01T00:00:00.000Z").count == 2, "once: \(everything)")
            #expect(r.stdout.contains("Warning: status.expires_at 2020-01-01T00:00:00.000Z has passed"))
            // A warning the plan does not repeat still reaches stderr, once.
            try h.write("msg.yaml", "status: {emoji: \"💻\", title: Work, away_message: Later}\n")
            let other = try await h.run(["plan", "msg.yaml"])
            #expect(other.stderr.components(separatedBy: "has no effect unless is_away is true").count == 2)
        }
    }

    @Test func timestampsAreShownAsWrittenWithUTCBeside() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", "status: {emoji: \"💻\", title: Work, expires_at: \"2035-03-10T23:59:59+03:00\"}\n")
            try h.write("summary.md", "")  // GitHub creates the file; the tool appends to it
            let r = try await h.run(["plan", "me.yaml"], env: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": h.path("summary.md")])
            #expect(r.stdout.contains("+ expires_at: \"2035-03-10T23:59:59+03:00\" (2035-03-10T20:59:59.000Z UTC)"), "\(r.stdout)")
            let summary = try String(contentsOfFile: h.path("summary.md"), encoding: .utf8)
            #expect(summary.contains("`2035-03-10T23:59:59+03:00 (2035-03-10T20:59:59.000Z UTC)`"))
        }
    }

    @Test func applyWritesTheStepSummary() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly + "\navatar: null\n")
            try await h.emulator.setStatus(SeedStatus(emoji: "🔥", title: "Busy"))
            await h.emulator.setAvatar(bytes: Harness.png())
            await h.emulator.injectFault(.status(400), method: "DELETE", path: "/profile/avatar")
            try h.write("summary.md", "")
            let env = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": h.path("summary.md")]
            let r = try await h.run(["apply", "--auto-approve", "me.yaml"], env: env)
            #expect(r.exitCode == 1)
            let summary = try String(contentsOfFile: h.path("summary.md"), encoding: .utf8)
            #expect(summary.contains("### pachca-profile apply: `me.yaml`"))
            #expect(summary.contains("| status | update | applied |"))
            #expect(summary.contains("| avatar | delete | not applied: "))
            #expect(summary.contains("**Apply incomplete: run apply again to finish the job.**"))
        }
    }

    @Test func doctorStopsAtTheFirstCause() async throws {
        try await Harness.with { h in
            let wrongPath = h.emulator.baseURL.absoluteString + "/wrong"
            let notAPI = try await h.run(["doctor"], env: ["PACHCA_API_URL": wrongPath])
            #expect(notAPI.exitCode == 1)
            #expect(notAPI.stdout.contains("FAIL api: no Pachca API at this URL: \(wrongPath)/oauth/token/info answered 404"),
                    "\(notAPI.stdout)")
            #expect(!notAPI.stdout.contains("token:"), "stops at the first cause")

            // Scopes judged against the given files: no avatar in the file, no avatar scope needed.
            await h.emulator.setTokenScopes(token: h.token, scopes: ["profile:read", "profile_status:read", "profile_status:write"])
            try h.write("status.yaml", ReconcileTests.statusOnly)
            let forStatus = try await h.run(["doctor", "status.yaml"])
            #expect(forStatus.exitCode == 0, "\(forStatus.stdout)")
            #expect(forStatus.stdout.contains("profile_avatar:write (optional): no given file manages avatar"))
            let withoutFiles = try await h.run(["doctor"])
            #expect(withoutFiles.exitCode == 3)
            #expect(withoutFiles.stdout.contains("FAIL scopes: missing profile_avatar:write (apply of a file with avatar)"))

            await h.emulator.revokeToken(h.token)
            let rejected = try await h.run(["doctor", "--json"])
            #expect(rejected.exitCode == 3)
            let json = try Harness.json(rejected.stdout)
            #expect(json["failed_check"] as? String == "token")
            #expect(json["scopes_missing"] is NSNull, "unknown, not 'every scope missing'")
            let text = try await h.run(["doctor"])
            #expect(!text.stdout.contains("missing"), "\(text.stdout)")
            #expect(text.stdout.contains("FAIL token: the API rejected the token (401"))
        }
    }

    @Test func aWrongAPIPathSaysWhatToCheck() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let r = try await h.run(["plan", "me.yaml"], env: ["PACHCA_API_URL": h.emulator.baseURL.absoluteString + "/wrong"])
            #expect(r.exitCode == 1)
            #expect(r.stderr.contains("(404)"), "\(r.stderr)")
            #expect(r.stderr.contains("is there a Pachca API at this URL? check --api-url or PACHCA_API_URL"))
        }
    }

    @Test func unreachableAPIFailsAtTheConnection() async throws {
        let r = try await runProfileTool(["doctor", "--json"], env: ["PACHCA_API_URL": "http://127.0.0.1:9/api", "PACHCA_TOKEN": "t-0123456789abcdef",
                                                                    "PACHCA_TIMEOUT": "1"], timeout: 60)
        #expect(r.exitCode == 1)
        let json = try Harness.json(r.stdout)
        #expect(json["failed_check"] as? String == "connection")
        #expect(json["reachable"] as? Bool == false)
        #expect(json["token_valid"] as? Bool == false)
        if SchemaValidator.available {
            let problems = try SchemaValidator.problems([("doctor", "unreachable", r.stdout)])
            #expect(problems.isEmpty, "\(problems)")
        }
    }
}
