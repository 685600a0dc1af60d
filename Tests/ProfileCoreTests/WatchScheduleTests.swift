import Foundation
import Testing
@testable import ProfileCore
@testable import ProfileRender

/// `watch`'s pure parts: when it wakes, how it backs off, and its metrics text.
@Suite struct WatchScheduleTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func itWakesAtTheNextChangeWhenThatComesBeforeTheInterval() {
        let change = Self.now.addingTimeInterval(42)
        let next = WatchSchedule.nextWake(now: Self.now, interval: 300, nextChangeAt: change, failures: 0)
        #expect(next.at == change && next.wake == .nextChange)
        let far = WatchSchedule.nextWake(now: Self.now, interval: 300, nextChangeAt: Self.now.addingTimeInterval(3600), failures: 0)
        #expect(far.at == Self.now.addingTimeInterval(300) && far.wake == .interval)
        let none = WatchSchedule.nextWake(now: Self.now, interval: 300, nextChangeAt: nil, failures: 0)
        #expect(none.wake == .interval)
        // A change already due (a slow cycle) wakes at once, never in the past.
        let due = WatchSchedule.nextWake(now: Self.now, interval: 300, nextChangeAt: Self.now.addingTimeInterval(-1), failures: 0)
        #expect(due.at == Self.now && due.wake == .nextChange)
    }

    @Test func failuresBackOffByDoublingUpToTheIntervalButNotPastTheNextChange() {
        #expect((1...6).map { WatchSchedule.retryDelay(failures: $0, interval: 20) } == [1, 2, 4, 8, 16, 20])
        #expect(WatchSchedule.retryDelay(failures: 10_000, interval: 300) == 300)
        let backoff = WatchSchedule.nextWake(now: Self.now, interval: 300, nextChangeAt: nil, failures: 3)
        #expect(backoff.at == Self.now.addingTimeInterval(4) && backoff.wake == .backoff)
        let change = WatchSchedule.nextWake(now: Self.now, interval: 300, nextChangeAt: Self.now.addingTimeInterval(2), failures: 3)
        #expect(change.wake == .nextChange)
    }

    @Test func healthLastsThreeIntervalsFromTheLastSuccessOrTheStart() {
        var metrics = WatchMetrics(startedAt: Self.now, interval: 10)
        #expect(metrics.healthy(now: Self.now.addingTimeInterval(30)))
        #expect(!metrics.healthy(now: Self.now.addingTimeInterval(30.5)))
        metrics.record(WatchCycle(cycle: 1, startedAt: Self.now.addingTimeInterval(29), finishedAt: Self.now.addingTimeInterval(30),
                                  result: .success, changes: WriteCounts(), profiles: ProfileStates(), nextChangeAt: nil,
                                  nextWakeAt: Self.now.addingTimeInterval(40), wake: .interval, error: nil))
        #expect(metrics.healthy(now: Self.now.addingTimeInterval(60)))
        #expect(!metrics.healthy(now: Self.now.addingTimeInterval(61)))
    }

    @Test func metricsBeforeTheFirstCycleSayNaNAndCountZero() {
        let text = WatchMetricsText.render(WatchMetrics(startedAt: Self.now, interval: 300),
                                           requests: [("2xx", 0), ("429", 0)], now: Self.now)
        #expect(text.contains("pachca_profile_last_success_timestamp_seconds NaN\n"))
        #expect(text.contains("pachca_profile_next_wake_timestamp_seconds NaN\n"))
        #expect(text.contains("pachca_profile_profiles{state=\"in_sync\"} 0\n"))
        #expect(text.contains("pachca_profile_started_timestamp_seconds 1800000000\n"))
        #expect(text.contains("pachca_profile_healthy 1\n"))
        // Every sample line belongs to a family declared just before it.
        var declared = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") { declared.insert(String(line.split(separator: " ")[2])); continue }
            if line.hasPrefix("#") { continue }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            #expect(declared.contains(name), "\(line)")
        }
        #expect(WatchMetricsText.number(1_800_000_000.1234) == "1800000000.123")
        #expect(WatchMetricsText.number(.nan) == "NaN")
    }
}
