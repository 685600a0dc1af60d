import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PachcaEmulator
import TestTeardown
import Testing

/// `watch` end to end: the built binary in the background against the emulator on the real
/// clock; the journal (with its arrival times) is the oracle for what was written and when.
@Suite(.awaitsTeardown, .serialized) struct WatchTests {
    static func stamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// A base status, and a dated window `[start, start + 60 s)`.
    static func file(windowStart start: Date) -> String {
        """
        status: {emoji: "💻", title: "Working"}
        schedule:
          - name: standup
            from: \(stamp(start))
            until: \(stamp(start.addingTimeInterval(60)))
            status: {emoji: "🗣️", title: "Standup", is_away: true}
        """
    }

    static let plain = #"status: {emoji: "💻", title: "Working"}"#

    static func statusPuts(_ h: Harness) async -> [JournalEntry] {
        await h.emulator.journal().filter { $0.method == "PUT" && $0.apiPath == "/profile/status" }
    }

    /// `watch ARGS me.yaml` with `file` as me.yaml, once its first cycle has been printed.
    static func watching(_ h: Harness, _ arguments: [String], file: String = plain) async throws -> BackgroundRun {
        try h.write("me.yaml", file)
        let watch = try h.watch(arguments + ["me.yaml"])
        try #require(await watch.waitForCycles(1, timeout: 15), "\(watch.stderr)")
        return watch
    }

    @Test func aWindowStartingDuringWatchIsAppliedWithinTwoSecondsAndSigtermExitsZero() async throws {
        try await Harness.with { h in
            // Whole seconds, 4 s ahead: the file's times have second precision.
            let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 4).rounded(.up))
            try h.write("me.yaml", Self.file(windowStart: start))
            let watch = try h.watch(["--interval", "60", "--json", "me.yaml"])
            #expect(await watch.waitForCycles(1, timeout: 15), "\(watch.stderr)")
            #expect(await Self.statusPuts(h).count == 1, "the first cycle applies the base status")

            let applied = await watch.wait(upTo: 10) {
                await Self.statusPuts(h).contains { $0.requestBody?.contains("Standup") == true }
            }
            #expect(applied, "\(watch.stderr)")
            let put = try #require(await Self.statusPuts(h).first { $0.requestBody?.contains("Standup") == true })
            let late = put.time.timeIntervalSince(start)
            #expect(late >= 0 && late <= 2, "window applied \(late) s after its start")
            // The cycle line follows the write's verification.
            #expect(await watch.waitForCycles(2, timeout: 5), "\(watch.stderr)")
            #expect(watch.cycleLines[0].contains("next wake") && watch.cycleLines[0].contains("(next change)"),
                    "\(watch.cycleLines)")

            let status = await watch.stop(SIGTERM)
            #expect(status == 0, "\(watch.stderr)")
            #expect(watch.stderr.contains("stopped (SIGTERM)"))
            // One JSON object per cycle, each valid against its schema.
            let lines = watch.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == watch.cycleLines.count, "\(watch.stdout)")
            let first = try Harness.json(try #require(lines.first))
            #expect(first["result"] as? String == "success")
            #expect((first["changes"] as? [String: Any])?["applied"] as? Int == 1)
            #expect(first["wake"] as? String == "next_change")
            if SchemaValidator.available || SchemaValidator.isCI {
                let problems = try SchemaValidator.problems(lines.enumerated().map { ("watch-cycle", "cycle \($0.offset + 1)", $0.element) })
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }

    @Test func sigtermDuringAWriteFinishesItThenExitsZero() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", Self.plain)
            await h.emulator.injectFault(.latency(ms: 1500), method: "PUT", path: "/profile/status", count: 1)
            let watch = try h.watch(["--interval", "60", "me.yaml"])
            // The scope check comes right before the write; the journal records a request once
            // answered, so an empty list of PUTs 0.3 s later means the PUT is held in flight.
            let preflight = await watch.wait(upTo: 15) { await h.apiCalls().contains("GET /oauth/token/info") }
            #expect(preflight, "\(watch.stderr)")
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(await Self.statusPuts(h).isEmpty, "the PUT is still in flight")
            let started = Date()
            #expect(await watch.stop(SIGTERM) == 0, "\(watch.stderr)")
            #expect(Date().timeIntervalSince(started) < 5)
            // Finished, verified and reported before the exit: no half-done write.
            #expect(await h.emulator.currentStatus()?.title == "Working")
            #expect(watch.cycleLines.first?.contains("1 change applied") == true, "\(watch.stderr)")
            #expect(await Self.statusPuts(h).count == 1)
        }
    }

    @Test func betweenCyclesNoStateRecordIsLocked() async throws {
        try await Harness.with { h in
            let watch = try await Self.watching(h, ["--interval", "60"])
            // An apply from a shell while watch sleeps: no waiting for a lock (0 s allowed).
            try await h.emulator.setStatus(SeedStatus(emoji: "🌴", title: "set by hand"))
            let apply = try await h.run(["apply", "--auto-approve", "me.yaml"], env: ["PACHCA_LOCK_TIMEOUT": "0"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(!apply.stderr.contains("waiting for another apply"))
            #expect(await watch.stop() == 0, "\(watch.stderr)")
        }
    }

    @Test func driftIsRevertedWithinTheInterval() async throws {
        try await Harness.with { h in
            let watch = try await Self.watching(h, ["--interval", "1"])
            try await h.emulator.setStatus(SeedStatus(emoji: "🌴", title: "set by hand"))
            await h.emulator.resetJournal()
            let reverted = await watch.wait(upTo: 4) { await h.emulator.currentStatus()?.title == "Working" }
            #expect(reverted, "\(watch.stderr)")
            #expect(await watch.stop(SIGINT) == 0, "\(watch.stderr)")
        }
    }

    @Test func anInvalidEditNeverWritesAndTheNextValidEditApplies() async throws {
        try await Harness.with { h in
            let watch = try await Self.watching(h, ["--interval", "1"])
            try h.write("me.yaml", "status: {emoji: \"💻\", title: \"Working\"\nnonsense: [")
            try await h.emulator.setStatus(SeedStatus(emoji: "🌴", title: "drifted"))
            await h.emulator.resetJournal()
            // Two failed cycles at least (backoff 1 s, then 1 s: the interval caps it).
            let failed = await watch.wait(upTo: 6) { watch.cycleLines.filter { $0.contains("FAILED (invalid_file)") }.count >= 2 }
            #expect(failed, "\(watch.stderr)")
            #expect(await h.writes().isEmpty, "an invalid file never writes")
            #expect(await h.apiCalls().isEmpty, "an invalid file is refused before any request")
            #expect(watch.isRunning)

            try h.write("me.yaml", #"status: {emoji: "🏠", title: "Remote"}"#)
            let applied = await watch.wait(upTo: 5) { await h.emulator.currentStatus()?.title == "Remote" }
            #expect(applied, "\(watch.stderr)")
            #expect(await watch.stop() == 0, "\(watch.stderr)")
        }
    }

    @Test func aFailingAPICycleIsRetriedAndTheProcessKeepsRunning() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", Self.plain)
            await h.emulator.injectFault(.status(503), method: "GET", path: "/profile", count: 100)
            let watch = try h.watch(["--interval", "2", "me.yaml"], env: ["PACHCA_DEADLINE": "0.5"])
            let failed = await watch.wait(upTo: 15) { watch.cycleLines.filter { $0.contains("FAILED") }.count >= 2 }
            #expect(failed, "\(watch.stderr)")
            #expect(watch.cycleLines.first?.contains("(backoff)") == true, "\(watch.cycleLines)")
            await h.emulator.clearFaults()
            let applied = await watch.wait(upTo: 6) { await h.emulator.currentStatus()?.title == "Working" }
            #expect(applied, "\(watch.stderr)")
            #expect(watch.isRunning)
            #expect(await watch.stop() == 0, "\(watch.stderr)")
        }
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func sample(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func theMetricsFileAndEndpointCarryTheFigures() async throws {
        try await Harness.with { h in
            await h.emulator.injectFault(.rateLimited(retryAfter: 1), method: "GET", path: "/profile", count: 1)
            let watch = try await Self.watching(h, ["--interval", "30", "--metrics-listen", "127.0.0.1:0",
                                                    "--metrics-file", "watch.prom"])
            let line = try #require(watch.stderr.split(separator: "\n").first { $0.contains("metrics at ") })
            let base = String(line[line.range(of: "http://")!.lowerBound...]).replacingOccurrences(of: "/metrics", with: "")

            let metrics = try await Self.get(base + "/metrics")
            #expect(metrics.status == 200)
            let file = try String(contentsOfFile: h.path("watch.prom"), encoding: .utf8)
            for text in [metrics.body, file] {
                #expect(Self.sample(text, #"pachca_profile_profiles{state="changed"}"#) == 1, "\(text)")
                #expect(Self.sample(text, #"pachca_profile_profiles{state="in_sync"}"#) == 0)
                #expect(Self.sample(text, #"pachca_profile_cycles_total{result="success"}"#) == 1)
                #expect(Self.sample(text, #"pachca_profile_applies_total{result="applied"}"#) == 1)
                #expect(Self.sample(text, "pachca_profile_rate_limited_total") == 1)
                #expect(Self.sample(text, #"pachca_profile_api_requests_total{result="429"}"#) == 1)
                #expect((Self.sample(text, #"pachca_profile_api_requests_total{result="2xx"}"#) ?? 0) >= 3)
                let lastSuccess = try #require(Self.sample(text, "pachca_profile_last_success_timestamp_seconds"))
                #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 15)
                let wake = try #require(Self.sample(text, "pachca_profile_next_wake_timestamp_seconds"))
                #expect(wake > lastSuccess + 25 && wake <= lastSuccess + 30.5)
                #expect(text.contains("# TYPE pachca_profile_api_requests_total counter"))
            }
            let health = try await Self.get(base + "/healthz")
            #expect(health.status == 200 && health.body == "ok\n")
            #expect(try await Self.get(base + "/nothing").status == 404)
            #expect(await watch.stop() == 0, "\(watch.stderr)")
        }
    }

    @Test func healthFailsWhenNoCycleSucceedsForThreeIntervals() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", "status: [")
            let watch = try h.watch(["--interval", "0.2", "--metrics-listen", "127.0.0.1:0", "me.yaml"])
            #expect(await watch.waitForCycles(3, timeout: 15), "\(watch.stderr)")
            let line = try #require(watch.stderr.split(separator: "\n").first { $0.contains("metrics at ") })
            let base = String(line[line.range(of: "http://")!.lowerBound...]).replacingOccurrences(of: "/metrics", with: "")
            try await Task.sleep(nanoseconds: 700_000_000)
            let health = try await Self.get(base + "/healthz")
            #expect(health.status == 503, "\(health.body)")
            let metrics = try await Self.get(base + "/metrics").body
            #expect((Self.sample(metrics, #"pachca_profile_cycles_total{result="failure"}"#) ?? 0) >= 3)
            #expect(Self.sample(metrics, "pachca_profile_healthy") == 0)
            #expect(await h.writes().isEmpty)
            #expect(await watch.stop() == 0, "\(watch.stderr)")
            // The metrics server (pachca-profile-metrics) ends with watch.
            #expect((try? await Self.get(base + "/healthz")) == nil)
        }
    }
}
