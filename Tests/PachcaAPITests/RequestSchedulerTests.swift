import Foundation
import Testing
@testable import PachcaAPI

/// §9: one scheduler per token — paced starts, at most 8 in flight, a pause holds everyone.
/// Real time, short: the rates are high so the suite stays under a second or so.
@Suite struct RequestSchedulerTests {
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

    @Test func startsAreNeverCloserThanOneOverTheRate() async throws {
        let s = Self.scheduler(rate: 200), log = Log()
        try await Self.fire(40, through: s, holding: 0.001, log: log)
        let starts = await log.starts.sorted()
        #expect(starts.count == 40)
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 1.0 / 200 - 0.0005 }, "a gap below 5 ms: \(gaps.min() ?? 0)")
        // 40 starts at 200/s take at least 39 gaps of 5 ms, and not wildly more.
        #expect(starts.last! - starts.first! >= 0.19)
        #expect(starts.last! - starts.first! < 1.0)
        #expect(await s.started == 40)
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
