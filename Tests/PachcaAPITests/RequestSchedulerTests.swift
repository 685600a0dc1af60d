import Foundation
import TestTeardown
import Testing
@testable import PachcaAPI

/// §9: one scheduler per token — paced starts, at most 8 in flight, a pause holds everyone.
/// Real time, short: the rates are high so the suite stays under a second or so.
@Suite(.awaitsTeardown) struct RequestSchedulerTests {
    /// Start instants and the peak number of requests outstanding together.
    actor Log {
        var starts: [Double] = []
        var current = 0, peak = 0
        func begin(_ t: Double) { starts.append(t); current += 1; peak = max(peak, current) }
        func end() { current -= 1 }
    }

    static func scheduler(rate: Double, maxInFlight: Int = 8) -> RequestScheduler {
        RequestScheduler(rate: rate, maxInFlight: maxInFlight, now: RetryPolicy.monotonicNow, sleep: RetryPolicy.realSleep)
    }

    static func fire(_ n: Int, through s: RequestScheduler, holding: Double, log: Log) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<n {
                group.addTask {
                    try await s.run {
                        await log.begin(RetryPolicy.monotonicNow())
                        try await Task.sleep(nanoseconds: UInt64(holding * 1e9))
                        await log.end()
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A single profile's requests are not held back: at the default rate a plan's two reads and
    /// an apply's token check start together.
    @Test func theFirstFewStartTogether() async throws {
        let s = Self.scheduler(rate: RequestScheduler.defaultRate), log = Log()
        try await Self.fire(3, through: s, holding: 0.001, log: log)
        let starts = await log.starts.sorted()
        #expect(starts.count == 3)
        // Paced at 45/s they would be 44 ms apart at least.
        #expect(starts.last! - starts.first! < 0.03, "the first 3 starts spread over \(starts.last! - starts.first!) s")
    }

    /// After the burst of 4, starts are paced at the rate: any run of starts spanning `T` seconds
    /// holds at most `4 + rate × T` of them (a token bucket; a late start may catch up, never run ahead).
    @Test func afterTheBurstStartsArePacedAtTheRate() async throws {
        let rate = 200.0
        let s = Self.scheduler(rate: rate), log = Log()
        try await Self.fire(40, through: s, holding: 0.001, log: log)
        let starts = await log.starts.sorted()
        #expect(starts.count == 40)
        for i in starts.indices {
            for j in starts.indices where j > i {
                let allowed = Double(RequestScheduler.defaultBurst) + rate * (starts[j] - starts[i]) + 0.1
                #expect(Double(j - i + 1) <= allowed, "\(j - i + 1) starts within \(starts[j] - starts[i]) s")
            }
        }
        // 36 paced starts at 200/s take at least 35 × 5 ms, and not wildly more.
        #expect(starts.last! - starts.first! >= 0.17)
        #expect(starts.last! - starts.first! < 1.0)
        #expect(await s.started == 40)
    }

    /// SPEC §9: at most `--rate` requests in any one second, the burst included.
    @Test func noSecondSeesMoreThanTheRate() async throws {
        let s = Self.scheduler(rate: 50), log = Log()
        try await Self.fire(70, through: s, holding: 0, log: log)
        let starts = await log.starts.sorted()
        #expect(starts.count == 70)
        // Logged just after each start, so a log may lag its start by a few ms: windows of 0.98 s.
        let busiest = starts.indices.map { i in starts[i...].prefix { $0 < starts[i] + 0.98 }.count }.max() ?? 0
        #expect(busiest <= 50, "\(busiest) starts in one second")
    }

    /// Below one request per second: one per `1/rate` seconds, no burst.
    @Test func aRateBelowOneIsOnePerPeriod() async throws {
        let s = Self.scheduler(rate: 0.5)
        #expect(s.burst == 1)
        let t0 = RetryPolicy.monotonicNow()
        try await s.acquire()
        await s.release()
        #expect(RetryPolicy.monotonicNow() - t0 < 0.1)
        // The second is due two seconds after the first: still waiting a moment later.
        let second = Task { try await s.acquire() }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(await s.started == 1)
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
    }

    @Test func atMostEightAreInFlight() async throws {
        let s = Self.scheduler(rate: 10_000), log = Log()
        try await Self.fire(30, through: s, holding: 0.03, log: log)
        #expect(await log.peak == 8)
        #expect(await s.peakInFlight == 8)
    }

    @Test func aPauseHoldsBackEveryStartUntilItEnds() async throws {
        let s = Self.scheduler(rate: 1000), log = Log()
        let pausedAt = RetryPolicy.monotonicNow()
        await s.pause(until: pausedAt + 0.2)
        try await Self.fire(5, through: s, holding: 0, log: log)
        let starts = await log.starts
        #expect(starts.count == 5)
        #expect(starts.allSatisfy { $0 >= pausedAt + 0.2 })
    }

    /// No burst into a server that has just answered 429: after the pause, one start and then
    /// the rate's pace (here 10 ms apart), not the 4 at once a fresh run may make.
    @Test func afterAPauseStartsArePacedNotBurst() async throws {
        let s = Self.scheduler(rate: 100), log = Log()
        await s.pause(until: RetryPolicy.monotonicNow() + 0.05)
        try await Self.fire(5, through: s, holding: 0, log: log)
        let starts = await log.starts.sorted()
        #expect(starts.count == 5)
        // 4 gaps of 10 ms; a late wake-up may catch up by a fraction of one.
        #expect(starts.last! - starts.first! >= 0.03, "5 starts within \(starts.last! - starts.first!) s")
    }

    @Test func aCancelledWaiterGivesItsPlaceBack() async throws {
        let s = Self.scheduler(rate: 1000, maxInFlight: 1)
        await s.pause(until: RetryPolicy.monotonicNow() + 5)
        let waiting = Task { try await s.acquire() }
        try await Task.sleep(nanoseconds: 20_000_000)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await s.inFlight == 0)  // a leaked place would block every later request with maxInFlight 1
        #expect(await s.peakInFlight == 1)
    }
}
