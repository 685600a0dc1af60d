import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// The small edges of the command line: each says what is wrong and what to do, with the exit
/// code of a usage or authentication error, and never prints the token.
@Suite(.awaitsTeardown) struct CLIEdgeTests {
    @Test func aMistypedCommandSuggestsTheNearestAndHelpOfNothingFails() async throws {
        let typo = try await runProfileTool(["plen", "profiles"])
        #expect(typo.exitCode == 64)
        #expect(typo.stderr.contains("unknown command 'plen'; did you mean 'plan'?"), "\(typo.stderr)")
        let help = try await runProfileTool(["help", "foo"])
        #expect(help.exitCode == 64)
        #expect(help.stderr.contains("unknown command 'foo'"), "\(help.stderr)")
        #expect(try await runProfileTool(["help", "plan"]).exitCode == 0)
        let json = try await runProfileTool(["plen", "--json"])
        #expect(json.exitCode == 64)
        #expect((try Harness.json(json.stdout)["error"] as? [String: Any])?["kind"] as? String == "usage")
    }

    @Test func anInstantWithoutAnOffsetSaysWhatIsMissing() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", "status: null\n")
            for (flag, command) in [("--at", "plan"), ("--from", "timeline")] {
                let r = try await h.run([command, flag, "2026-07-15T13:00:00", "me.yaml"])
                #expect(r.exitCode == 64, "\(command): \(r.stderr)")
                #expect(r.stderr.contains("a local time without an offset (Z or +03:00) is ambiguous"), "\(r.stderr)")
                #expect(r.stderr.contains(flag), "\(r.stderr)")
            }
            #expect(await h.apiCalls().isEmpty)
        }
    }

    @Test func aTokenPastedWithBearerGetsAHintAndIsNeverPrinted() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", "status: null\n")
            let r = try await h.run(["plan", "me.yaml"], env: ["PACHCA_TOKEN": "Bearer \(h.token)"])
            #expect(r.exitCode == 3, "\(r.stderr)")
            #expect(r.stderr.contains("starts with \"Bearer \": give the token alone"), "\(r.stderr)")
            #expect(!r.stderr.contains(h.token) && !r.stdout.contains(h.token))
            #expect(await h.apiCalls().isEmpty)
        }
    }
}
