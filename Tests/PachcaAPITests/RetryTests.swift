import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FlyingFox
import TestTeardown
import Testing
@testable import PachcaAPI

@Suite(.awaitsTeardown) struct RetryTests {
    @Test func rateLimitWaitsAtLeastRetryAfterThenRetries() async throws {
        let server = try await ScriptedServer { _, i in
            i == 1 ? json(429, #"{"errors":[]}"#, headers: ["Retry-After": "7"]) : json(200, profileJSON)
        }
        let clock = FakeClock()
        let user = try await makeClient(server.baseURL, retry: clock.policy()).profile(.me)
        #expect(user.id == 42)
        #expect(await server.log.count == 2)
        #expect(clock.sleeps.reduce(0, +) >= 7)
        #expect(clock.sleeps.allSatisfy { $0 >= 0 })
    }

    @Test func rateLimitWithoutRetryAfterWaitsOneSecond() async throws {
        let server = try await ScriptedServer { _, i in i == 1 ? empty(429) : json(200, "null") }
        let clock = FakeClock()
        _ = try await makeClient(server.baseURL, retry: clock.policy()).status(.me)
        #expect(clock.sleeps.reduce(0, +) >= 1)
        #expect(await server.log.count == 2)
    }

    @Test func retryAfterBeyondDeadlineFailsAtOnce() async throws {
        let server = try await ScriptedServer { _, _ in empty(429, headers: ["Retry-After": "120"]) }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(server.baseURL, retry: clock.policy(deadline: 60)).profile(.me)
        }
        guard case .rateLimitDeadline(let retryAfter, let remaining, let method, let path, let cause)? = error else {
            Issue.record("expected rateLimitDeadline, got \(String(describing: error))")
            return
        }
        #expect(retryAfter == 120)
        #expect(cause == .retryAfter)
        #expect(remaining <= 60)
        #expect(method == "GET" && path == "/profile")
        #expect(clock.sleeps.isEmpty)
        #expect(await server.log.count == 1)
        #expect(error?.description.contains("rate limited") == true)
        #expect(error?.isAuthFailure == false)
    }

    @Test func repeatedRateLimitsStopAtTheDeadline() async throws {
        let server = try await ScriptedServer { _, _ in empty(429, headers: ["Retry-After": "25"]) }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(server.baseURL, retry: clock.policy(deadline: 60)).profile(.me)
        }
        guard case .rateLimitDeadline? = error else {
            Issue.record("expected rateLimitDeadline, got \(String(describing: error))")
            return
        }
        // 25 + 25 fit in 60 s, a third 25 does not.
        #expect(await server.log.count == 3)
        #expect(clock.sleeps.reduce(0, +) <= 60)
    }

    @Test func serverErrorsBackOffThenSucceed() async throws {
        let server = try await ScriptedServer { _, i in i <= 2 ? empty(500) : json(200, profileJSON) }
        let clock = FakeClock()
        let sink = TraceSink()
        let user = try await makeClient(server.baseURL, retry: clock.policy(jitter: 0.5), trace: sink).profile(.me)
        #expect(user.id == 42)
        #expect(await server.log.count == 3)
        #expect(clock.sleeps.count == 2)
        // Exponential: the second wait is twice the first (same jitter).
        #expect(clock.sleeps[0] > 0)
        #expect(abs(clock.sleeps[1] - 2 * clock.sleeps[0]) < 1e-9)
        #expect(sink.lines.count == 3)
        #expect(sink.lines[0].hasPrefix("GET /profile → 500 (attempt 1,"))
        #expect(sink.lines[2].hasPrefix("GET /profile → 200 (attempt 3,"))
    }

    @Test func persistentServerErrorGivesUpAfterBoundedAttempts() async throws {
        let server = try await ScriptedServer { _, _ in empty(503) }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(server.baseURL, retry: clock.policy(retries: 4)).profile(.me)
        }
        guard case .gaveUp(let attempts, _, let last, "GET", "/profile")? = error else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
            return
        }
        #expect(attempts == 5 && last == "HTTP 503")
        #expect(await server.log.count == 5)
        #expect(clock.sleeps.count == 4)
        #expect(clock.sleeps.allSatisfy { $0 <= 8 })
    }

    @Test func backoffIsCappedAndJittered() {
        let low = RetryPolicy(baseDelay: 0.5, maxDelay: 8, jitter: { 0 })
        let high = RetryPolicy(baseDelay: 0.5, maxDelay: 8, jitter: { 1 })
        #expect(low.backoff(retry: 1) == 0.25)
        #expect(high.backoff(retry: 1) == 0.5)
        #expect(high.backoff(retry: 3) == 2)
        #expect(high.backoff(retry: 10) == 8)
        #expect(low.backoff(retry: 10) == 4)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try await ScriptedServer { _, _ in
            json(422, #"{"errors":[{"key":"title","value":null,"message":"is too long","code":"invalid","payload":null}]}"#)
        }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(server.baseURL, retry: clock.policy())
                .putStatus(.me, WireStatusUpdate(emoji: "x", title: "t"))
        }
        guard case .apiError(let status, let body, _, _)? = error else {
            Issue.record("expected apiError, got \(String(describing: error))")
            return
        }
        #expect(status == 422)
        #expect(body.errors.first?.key == "title")
        #expect(error?.description.contains("title: is too long") == true)
        #expect(await server.log.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func droppedConnectionIsRetried() async throws {
        let raw = try RawServer { i in i == 1 ? nil : rawHTTP(200, profileJSON) }
        defer { raw.stop() }
        let clock = FakeClock()
        let sink = TraceSink()
        let user = try await makeClient(raw.baseURL, retry: clock.policy(), trace: sink).profile(.me)
        #expect(user.id == 42)
        #expect(raw.connectionCount == 2)
        #expect(clock.sleeps.count == 1, "\(sink.lines)")
        #expect(sink.lines.first?.contains("attempt 1") == true)
        #expect(sink.lines.first?.contains("→ 200") == false)
    }

    @Test func droppedConnectionEveryTimeMapsToOurWords() async throws {
        let raw = try RawServer { _ in nil }
        defer { raw.stop() }
        let clock = FakeClock()
        let error = await apiError {
            _ = try await makeClient(raw.baseURL, retry: clock.policy(retries: 2)).profile(.me)
        }
        guard case .transport(let failure, _, _, let attempts, _)? = error else {
            Issue.record("expected transport error, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .dropped)
        #expect(attempts == 3)
        #expect(raw.connectionCount == 3)
        #expect(error?.description.hasPrefix("GET /profile to 127.0.0.1:\(raw.port): the server closed the connection without a response (after 3 attempts, ") == true,
                "\(String(describing: error))")
    }

    @Test func timeoutMapsToOurMessage() async throws {
        let server = try await ScriptedServer { _, _ in
            try await Task.sleep(nanoseconds: 3_000_000_000)
            return json(200, profileJSON)
        }
        let started = ProcessInfo.processInfo.systemUptime
        // Timeouts are in milliseconds: 0.4 s fires at 400 ms.
        let error = await apiError { _ = try await makeClient(server.baseURL, timeout: 0.4).profile(.me) }
        let elapsed = ProcessInfo.processInfo.systemUptime - started
        guard case .transport(let failure, "GET", "/profile", 1, _)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .timedOut)
        #expect(error?.description.hasPrefix("GET /profile to 127.0.0.1:\(server.port): timed out after 400 ms (after 1 attempt, ") == true,
                "\(String(describing: error))")
        #expect(elapsed >= 0.39 && elapsed < 1.5)
    }

    @Test func refusedConnectionMapsToCannotConnect() async throws {
        let raw = try RawServer { _ in nil }
        let port = raw.port
        raw.stop()
        let error = await apiError {
            _ = try await makeClient(URL(string: "http://127.0.0.1:\(port)")!).profile(.me)
        }
        guard case .transport(let failure, "GET", "/profile", 1, _)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .connect)
        #expect(error?.description.hasPrefix("cannot connect to 127.0.0.1:\(port): connection refused (after 1 attempt, ") == true,
                "\(String(describing: error))")
    }

    /// Real time, real HTTP: a 1 s `Retry-After` is honoured in full, and a call started
    /// during the pause waits for it too instead of hitting the server.
    @Test func realRetryAfterPausesEveryCall() async throws {
        let server = try await ScriptedServer { request, i in
            if i == 1 { return empty(429, headers: ["Retry-After": "1"]) }
            return request.path == "/profile" ? json(200, profileJSON) : json(200, "null")
        }
        let sink = TraceSink()
        let client = try makeClient(server.baseURL, retry: RetryPolicy(overallDeadline: 10), trace: sink)
        let started = ProcessInfo.processInfo.systemUptime
        async let first = client.profile(.me)
        // Start the second call only once the first has seen its 429.
        while !sink.lines.contains(where: { $0.contains("→ 429") }) {
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        try await Task.sleep(nanoseconds: 50_000_000)
        let second = try await client.status(.me)
        let user = try await first
        let elapsed = ProcessInfo.processInfo.systemUptime - started
        #expect(user.id == 42)
        #expect(second == nil)
        #expect(elapsed >= 1.0)
        let seen = await server.log.requests
        #expect(seen.count == 3)  // one 429, then one of each: the second call never met the limit
        let limitedAt = seen[0].at
        for r in seen.dropFirst() { #expect(r.at - limitedAt >= 1.0) }
    }
}
