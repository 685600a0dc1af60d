import Foundation
import TestTeardown
import Testing
import Timekeeping
@testable import PachcaAPI

/// Issue 19: numbers from a hostile server or a careless operator never trap and never make a
/// wait outlast the deadline.
@Suite(.awaitsTeardown) struct NumberTests {
    /// `Retry-After: 1e19` used to kill the process (exit 132) formatting "due in 1e19 s".
    /// Not plain decimal: the call fails at once, says so, and sleeps not at all.
    @Test(arguments: ["1e19", "0x10", "inf", "nan", "-5e3", "soon"])
    func unreadableRetryAfterFailsAtOnce(_ header: String) async throws {
        let server = try await ScriptedServer { _, _ in empty(429, headers: ["Retry-After": header]) }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(server.baseURL, retry: clock.policy(deadline: 60)).profile(.me)
        }
        guard case .rateLimitDeadline(_, _, _, _, let cause)? = error else {
            Issue.record("expected rateLimitDeadline, got \(String(describing: error))")
            return
        }
        #expect(cause == .unreadableRetryAfter)
        #expect(error?.description.contains("Retry-After") == true, "\(String(describing: error))")
        #expect(clock.sleeps.isEmpty)
        #expect(await server.log.count == 1)
    }

    /// Twenty decimal digits: read, bounded, past any deadline: fail at once, printable.
    @Test func hugeDecimalRetryAfterExceedsTheDeadline() async throws {
        let server = try await ScriptedServer { _, _ in empty(429, headers: ["Retry-After": "10000000000000000000"]) }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(server.baseURL, retry: clock.policy(deadline: 60)).profile(.me)
        }
        guard case .rateLimitDeadline(let wait, _, _, _, .retryAfter)? = error else {
            Issue.record("expected rateLimitDeadline, got \(String(describing: error))")
            return
        }
        #expect(wait == QuantitySetting.retryAfter.range.upperBound)
        #expect(error?.description.contains("more than 1000000000 s") == true, "\(String(describing: error))")
        #expect(clock.sleeps.isEmpty)
    }

    /// `--rate 0.001` used to sleep 1000 s before a second request whatever `--deadline` said.
    @Test func slowPacingRespectsTheDeadline() async throws {
        let server = try await ScriptedServer { _, _ in json(200, "null") }
        let clock = FakeClock()
        var configuration = ClientConfiguration(baseURL: server.baseURL, token: APIToken(secretToken),
                                                retry: clock.policy(deadline: 5))
        configuration.rate = 0.001
        let client = try PachcaClient(configuration)
        _ = try await client.status(.me)
        let error = await apiError { _ = try await client.status(.me) }
        guard case .rateLimitDeadline(let wait, _, _, _, .pacing)? = error else {
            Issue.record("expected a pacing deadline, got \(String(describing: error))")
            return
        }
        #expect(wait > 5)
        #expect(error?.description.contains("--rate") == true, "\(String(describing: error))")
        #expect(clock.sleeps.allSatisfy { $0 <= 5 }, "\(clock.sleeps)")
        #expect(await server.log.count == 1)
    }

    /// A rate outside the documented range (a library caller's 1e-300 or 1e300) is bounded, not a trap.
    @Test(arguments: [1e-300, 1e300, Double.infinity, Double.nan, -1])
    func schedulerBoundsAnyRate(_ rate: Double) async throws {
        let clock = FakeClock()
        let s = RequestScheduler(rate: rate, now: { clock.now }, sleep: { try await clock.sleep($0) })
        #expect(QuantitySetting.rate.range.contains(await s.rate))
        try await s.acquire(deadline: clock.now + 1)
        await s.release()
    }

    @Test func schedulerRefusesAStartPastTheDeadline() async throws {
        let clock = FakeClock()
        let s = RequestScheduler(rate: 0.001, now: { clock.now }, sleep: { try await clock.sleep($0) })
        try await s.acquire(deadline: clock.now + 10)
        await s.release()
        await #expect(throws: RequestScheduler.PastDeadline.self) { try await s.acquire(deadline: clock.now + 10) }
        #expect(clock.sleeps.isEmpty)
        #expect(await s.inFlight == 0)
    }

    /// A start held back by a 429's pause past the deadline says so (not "--rate").
    @Test func aPausePastTheDeadlineIsNotBlamedOnTheRate() async throws {
        let clock = FakeClock()
        let s = RequestScheduler(rate: 45, now: { clock.now }, sleep: { try await clock.sleep($0) })
        await s.pause(until: clock.now + 100)
        do {
            try await s.acquire(deadline: clock.now + 10)
            Issue.record("started")
        } catch let late as RequestScheduler.PastDeadline {
            #expect(late.paused)
            #expect(late.wait == 100)
        }
    }

    @Test func conversionsNeverTrap() {
        #expect(SafeDuration.nanoseconds(1e19) == UInt64.max)
        #expect(SafeDuration.nanoseconds(.infinity) == UInt64.max)
        #expect(SafeDuration.nanoseconds(.nan) == 0)
        #expect(SafeDuration.nanoseconds(-3) == 0)
        #expect(SafeDuration.milliseconds(1e300) == Int(Int32.max))
        #expect(SafeDuration.milliseconds(0.0001) == 1)
        #expect(PachcaAPIError.seconds(1e19) == "more than 1000000000 s")
        #expect(PachcaAPIError.seconds(2.5) == "2.5 s")
    }
}
