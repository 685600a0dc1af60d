import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Whatever the server does, a run is bounded in time and memory: exit 1, a message naming
/// the cause, within the (shrunk) deadline, and a peak RSS under 50 MB. Timeouts are shrunk
/// to 1 s per attempt and 4 s per call so no test waits long.
@Suite(.awaitsTeardown) struct HostileServerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var fault: Fault
        var cause: String
        var testDescription: String { "\(fault)" }
    }

    static let cases = [
        Case(fault: .trickle(ms: 300), cause: "timed out after"),
        Case(fault: .hang, cause: "timed out after"),
        Case(fault: .hugeBody(bytes: 2 << 30), cause: "response larger than 4 MiB"),
        Case(fault: .endlessChunks, cause: "response larger than 4 MiB"),
        Case(fault: .gzipBomb, cause: "response larger than 4 MiB (counted after decompression)"),
        Case(fault: .rateLimited(retryAfter: 0), cause: "rate limited (429)"),
        Case(fault: .rateLimited(retryAfter: -5), cause: "rate limited (429)"),
        Case(fault: .rateLimitedText(retryAfter: "soon"), cause: "rate limited (429)"),
    ]

    static let deadline = 4.0

    @Test(arguments: cases)
    func boundedInTimeAndSize(_ c: Case) async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        await h.emulator.injectFault(c.fault, method: "GET", path: "/profile", count: 10_000)
        let run = try await runMeasured(["plan", "--timeout", "1", "--deadline", String(Self.deadline), "me.yaml"],
                                        env: h.environment, cwd: h.directory)
        #expect(run.exitCode == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("GET /profile"), "\(run.stderr)")
        #expect(run.stderr.contains(c.cause), "\(run.stderr)")
        #expect(run.seconds < Self.deadline + 1.5, "took \(run.seconds) s")
        if let rss = run.peakRSSMegabytes { #expect(rss < 50, "peak RSS \(rss) MB") }
        let attempts = await h.emulator.journal().filter { $0.apiPath == "/profile" }.count
        // A 429 with Retry-After 0 must not become a busy loop: backoff steps of 0.5 s, 1 s, 2 s…
        #expect(attempts <= 6, "\(attempts) attempts")
    }
}

/// Options and URLs of the network layer, end to end.
@Suite(.awaitsTeardown) struct NetworkOptionTests {
    @Test(arguments: [["--timeout", "inf"], ["--timeout", "1e19"], ["--timeout", "0"], ["--deadline", "nan"]])
    func unusableDurationsAreUsageErrors(_ flag: [String]) async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let run = try await h.run(["plan"] + flag + ["me.yaml"])
        #expect(run.exitCode == 64, "\(run.stderr)")
        #expect(run.stderr.contains(flag[0]), "\(run.stderr)")
        #expect(await h.apiCalls().isEmpty)
    }

    @Test func infiniteTimeoutFromTheEnvironmentIsAUsageError() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let run = try await h.run(["plan", "me.yaml"], env: ["PACHCA_TIMEOUT": "inf"])
        #expect(run.exitCode == 64, "\(run.stderr)")
        #expect(run.stderr.contains("PACHCA_TIMEOUT"), "\(run.stderr)")
    }

    @Test func upperCaseSchemeWorks() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let url = h.emulator.baseURL.absoluteString.replacingOccurrences(of: "http://", with: "HTTP://")
        let run = try await h.run(["plan", "me.yaml"], env: ["PACHCA_API_URL": url])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Plan: 1 to create"))
    }

    /// The deadline is checked inside an attempt, not only between attempts: a 30 s attempt
    /// timeout does not outlive a 2 s deadline.
    @Test func deadlineHoldsInsideAnAttempt() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        await h.emulator.injectFault(.hang, method: "GET", path: "/profile", count: 100)
        let started = Date()
        let run = try await h.run(["plan", "--timeout", "30", "--deadline", "2", "me.yaml"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("timed out after 2000 ms (after 1 attempt"), "\(run.stderr)")
        #expect(elapsed < 4.5, "took \(elapsed) s")
        // No terminal: no "retrying …" notices, only the error.
        #expect(!run.stderr.contains("retrying"), "\(run.stderr)")
    }

    /// On a terminal a waiting retry says so on stderr; with `--json` it does not. `script`
    /// (util-linux) gives the run a terminal; without it the test has nothing to check.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script (util-linux) is missing"))
    func retryNoticeOnlyOnATerminalAndNotWithJSON() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let binary = try ProfileToolBinary.url().path
        for json in [false, true] {
            await h.emulator.injectFault(.status(503), method: "GET", path: "/profile", count: 1)
            // Only stderr reaches the terminal's transcript: stdout goes to /dev/null.
            let command = "'\(binary)' plan \(json ? "--json " : "")me.yaml >/dev/null"
            var env = h.environment
            env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            var run = try await runProgram(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"],
                                           environment: env, cwd: h.directory)
            run.stdout += run.stderr
            #expect(run.exitCode == 0, "\(run.stdout)")
            let noticed = run.stdout.contains("retrying GET /profile in ") && run.stdout.contains(" s (503)…")
            #expect(noticed == !json, "json: \(json): \(run.stdout)")
        }
    }

    /// Timeouts are milliseconds, not rounded to whole seconds.
    @Test func subSecondTimeoutFiresOnTime() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        await h.emulator.injectFault(.hang, method: "GET", path: "/profile", count: 100)
        let started = Date()
        let run = try await h.run(["plan", "-v", "--timeout", "0.3", "--deadline", "1", "me.yaml"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("GET /profile → timed out after 300 ms (attempt 1, "), "\(run.stderr)")
        #expect(elapsed < 3.5, "took \(elapsed) s: \(run.stderr)")
    }
}
