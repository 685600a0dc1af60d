import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Issue 19: numbers that used to crash or be misread — every duration and rate goes through
/// one decimal reader; a server's `Retry-After` never traps; a slow `--rate` keeps to `--deadline`.
@Suite(.awaitsTeardown) struct HostileNumberTests {
    /// `Retry-After: 1e19` killed the process (exit 132). Now: that call fails at once, saying why.
    @Test(arguments: ["1e19", "10000000000000000000"])
    func hugeRetryAfterFailsTheCallAtOnce(_ header: String) async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            await h.emulator.injectFault(.rateLimitedText(retryAfter: header), method: "GET", path: "/profile", count: 100)
            let started = Date()
            let run = try await h.run(["plan", "--deadline", "30", "me.yaml"])
            #expect(run.exitCode == 1, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("GET /profile: rate limited (429)"), "\(run.stderr)")
            #expect(run.stderr.contains("giving up now"), "\(run.stderr)")
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(await h.apiCalls().filter { $0 == "GET /profile" }.count == 1)
        }
    }

    /// `0x10` was read as 16 s; `1e-300` crashed; none of these reach the network.
    @Test(arguments: [["--timeout", "0x10"], ["--rate", "1e-300"], ["--rate", "0"], ["--rate", "inf"],
                      ["--deadline=-1"], ["--deadline", "1e3"], ["--rate", "0.0001"]])
    func nonDecimalOrOutOfRangeFlagsAreUsageErrors(_ flag: [String]) async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let run = try await h.run(["plan"] + flag + ["me.yaml"])
            #expect(run.exitCode == 64, "\(run.stderr)")
            let name = flag[0].split(separator: "=")[0]
            #expect(run.stderr.contains("\(name): expected"), "\(run.stderr)")
            #expect(run.stderr.contains("plain decimal"), "\(run.stderr)")
            #expect(await h.apiCalls().isEmpty)
        }
    }

    @Test(arguments: [("PACHCA_TIMEOUT", "0x10"), ("PACHCA_RATE", "1e-300"), ("PACHCA_DEADLINE", "1e19")])
    func nonDecimalVariablesAreUsageErrors(_ name: String, _ value: String) async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let run = try await h.run(["plan", "me.yaml"], env: [name: value])
            #expect(run.exitCode == 64, "\(run.stderr)")
            #expect(run.stderr.contains("\(name)=\(value): expected"), "\(run.stderr)")
            #expect(run.stderr.contains("plain decimal"), "\(run.stderr)")
            #expect(await h.apiCalls().isEmpty)
        }
    }

    /// `--rate 0.001` paced the plan's second read 1000 s later whatever `--deadline` said.
    @Test func slowRateKeepsToTheDeadline() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let started = Date()
            let run = try await h.run(["plan", "--rate", "0.001", "--deadline", "2", "me.yaml"], timeout: 30)
            #expect(!run.timedOut)
            #expect(run.exitCode == 1, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("--rate allows this request in"), "\(run.stderr)")
            #expect(Date().timeIntervalSince(started) < 10)
        }
    }

    /// A scheme-less API URL printed its userinfo in "no scheme; did you mean …".
    @Test func schemelessAPIURLHidesItsUserinfo() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            let run = try await h.run(["plan", "--api-url", "admin:hunter2@api.example.invalid/api/shared/v1", "me.yaml"])
            #expect(run.exitCode != 0)
            #expect(run.stderr.contains("no scheme"), "\(run.stderr)")
            #expect(!run.stderr.contains("hunter2") && !run.stderr.contains("admin"), "\(run.stderr)")
            #expect(run.stderr.contains("<redacted>@api.example.invalid/api/shared/v1"), "\(run.stderr)")
        }
    }
}
