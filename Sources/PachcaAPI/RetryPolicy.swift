import Support
import Timekeeping

/// How the client retries. A value with injected clock, sleep and jitter, so tests
/// run retries without real waiting.
public struct RetryPolicy: Sendable {
    /// Extra attempts allowed for 5xx, timeouts and dropped connections (429s are bounded
    /// by the deadline instead, since the server says exactly how long to wait).
    public var maxTransientRetries: Int
    /// First backoff delay; doubles on each retry up to `maxDelay`.
    public var baseDelay: Double
    public var maxDelay: Double
    /// Total time one call may take, retries and waits included.
    public var overallDeadline: Double
    /// Returns a value in 0...1; the backoff is `d/2 + jitter·d/2`.
    public var jitter: @Sendable () -> Double
    public var sleep: @Sendable (Double) async throws -> Void
    /// Monotonic seconds.
    public var now: @Sendable () -> Double

    public init(
        maxTransientRetries: Int = 4,
        baseDelay: Double = 0.5,
        maxDelay: Double = 8,
        overallDeadline: Double = 60,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryPolicy.realSleep,
        now: @escaping @Sendable () -> Double = RetryPolicy.monotonicNow
    ) {
        self.maxTransientRetries = maxTransientRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.overallDeadline = overallDeadline
        self.jitter = jitter
        self.sleep = sleep
        self.now = now
    }

    public static let standard = RetryPolicy()

    @Sendable public static func realSleep(_ seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: SafeDuration.nanoseconds(seconds))
    }

    @Sendable public static func monotonicNow() -> Double {
        ProcessInfo.processInfo.systemUptime
    }

    /// The wait before transient retry number `retry` (1-based).
    public func backoff(retry: Int) -> Double {
        let doublings = min(max(0, retry - 1), 62)
        let full = min(maxDelay, baseDelay * Double(UInt64(1) << UInt64(doublings)))
        let j = min(1, max(0, jitter()))
        return full / 2 + j * full / 2
    }
}

/// The shared 429 pause: the limit is per token, so one 429 holds back every call of the
/// client until the server's `Retry-After` has passed.
actor RateLimitGate {
    private var pausedUntil: Double = -.infinity

    func pause(until instant: Double) {
        pausedUntil = max(pausedUntil, instant)
    }

    /// The instant until which calls must wait (may be in the past).
    var resumeAt: Double { pausedUntil }
}
