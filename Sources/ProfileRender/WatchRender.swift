import Support
import ProfileCore
import ProfileYAML

/// `watch`'s line per cycle on stderr: when, what was written, when it wakes next.
/// `2026-07-15T10:00:02.114Z cycle 3: 1 change applied; 2 in sync; next wake 2026-07-15T11:00:00.000Z (next change)`
public enum WatchText {
    public static func line(_ cycle: WatchCycle) -> String {
        var parts: [String] = []
        switch cycle.result {
        case .success, .failure:
            let applied = cycle.changes.applied
            parts.append(applied == 0 && cycle.changes.failed == 0 ? "no changes"
                         : "\(applied) change\(applied == 1 ? "" : "s") applied")
            if cycle.changes.failed > 0 { parts.append("\(cycle.changes.failed) NOT applied") }
        case .stopped:
            parts.append("stopping before any write")
        }
        if let states = cycle.profiles {
            let shown = states.labelled.filter { $0.count > 0 }
                .map { "\($0.count) \($0.state.replacingScalars("_", with: " "))" }
            if !shown.isEmpty { parts.append(shown.joined(separator: ", ")) }
        }
        if let error = cycle.error { parts.append("FAILED (\(error.kind)): \(InertText.line(error.message))") }
        var text = "\(Timestamp.canonical(cycle.finishedAt)) cycle \(cycle.cycle): " + parts.joined(separator: "; ")
        if cycle.result != .stopped {
            let reason = cycle.wake.rawValue.replacingScalars("_", with: " ")
            text += "; next wake \(Timestamp.canonical(cycle.nextWakeAt)) (\(reason))"
        }
        return text
    }
}

/// `watch`'s metrics in the Prometheus text exposition format (version 0.0.4), served at
/// `/metrics` and written to `--metrics-file`. Names and meanings: docs/watch.md.
public enum WatchMetricsText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ metrics: WatchMetrics, requests: [(result: String, count: Int)], now: Date) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP pachca_profile_\(name) \(help)\n# TYPE pachca_profile_\(name) \(type)\n"
            for sample in samples { out += "pachca_profile_\(name)\(sample.labels) \(sample.value)\n" }
        }
        func seconds(_ date: Date?) -> String { date.map { number($0.timeIntervalSince1970) } ?? "NaN" }

        family("profiles", "gauge", "Profiles by state after the last cycle that planned.",
               (metrics.profiles ?? ProfileStates()).labelled.map { ("{state=\"\($0.state)\"}", String($0.count)) })
        family("cycles_total", "counter", "Cycles (one apply of the run each) by result.",
               [("{result=\"success\"}", String(metrics.cycles.success)),
                ("{result=\"failure\"}", String(metrics.cycles.failure)),
                ("{result=\"stopped\"}", String(metrics.cycles.stopped))])
        family("applies_total", "counter", "Changes written (status or avatar of one profile) by result.",
               [("{result=\"applied\"}", String(metrics.writes.applied)),
                ("{result=\"failed\"}", String(metrics.writes.failed))])
        family("api_requests_total", "counter", "API request attempts by result (status class, 429, or no answer).",
               requests.map { ("{result=\"\($0.result)\"}", String($0.count)) })
        family("rate_limited_total", "counter", "API answers 429 Too Many Requests.",
               [("", String(requests.first { $0.result == "429" }?.count ?? 0))])
        family("last_success_timestamp_seconds", "gauge", "When the last successful cycle ended (NaN: none yet).",
               [("", seconds(metrics.lastSuccessAt))])
        family("last_cycle_timestamp_seconds", "gauge", "When the last cycle ended (NaN: none yet).",
               [("", seconds(metrics.lastCycleAt))])
        family("last_cycle_duration_seconds", "gauge", "How long the last cycle took (NaN: none yet).",
               [("", metrics.lastCycleSeconds.map(number) ?? "NaN")])
        family("next_wake_timestamp_seconds", "gauge", "When the next cycle starts (NaN: none planned).",
               [("", seconds(metrics.nextWakeAt))])
        family("interval_seconds", "gauge", "The drift-check interval (--interval).", [("", number(metrics.interval))])
        family("healthy", "gauge", "1 while the last successful cycle is at most three intervals old.",
               [("", metrics.healthy(now: now) ? "1" : "0")])
        family("started_timestamp_seconds", "gauge", "When watch started.", [("", seconds(metrics.startedAt))])
        return out
    }

    /// Milliseconds are enough; integral values without a fraction.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "NaN" }
        let millis = (value * 1000).rounded()
        if millis.truncatingRemainder(dividingBy: 1000) == 0 { return String(Int64(millis / 1000)) }
        return String(Double(Int64(millis)) / 1000)
    }
}
