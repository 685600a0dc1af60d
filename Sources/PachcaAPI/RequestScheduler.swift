import Timekeeping

/// The per-token request scheduler: every request of a run goes through one, so the
/// run never exceeds the token's limit however many subjects it handles.
/// - Starts are limited two ways: no one-second window sees more than `rate` of them (45 at the
///   default, under the 50 of the API; below 1/s, one per `1/rate` seconds), and after a burst of
///   at most `burst` (4) they are paced `1/rate` apart. So a single profile's few requests (a
///   plan's two reads, an apply's seven) are not held back, while a team run is spread evenly.
///   (Pacing the first requests too cost every plan 22 ms.)
/// - At most `maxInFlight` requests are outstanding; a caller waits for a free place first, in
///   FIFO order, then for its start time.
/// - `pause(until:)` (a 429's `Retry-After`) holds back every start until then; pacing restarts from there.
/// Clock and sleep are injected (monotonic seconds), so tests run without real waiting.
public actor RequestScheduler {
    public static let defaultRate = 45.0
    public static let defaultMaxInFlight = 8
    public static let defaultBurst = 4

    public let rate: Double
    public let maxInFlight: Int
    /// Starts allowed back to back before pacing sets in.
    public nonisolated let burst: Int
    /// At most `perWindow` starts in any `window` seconds.
    private let perWindow: Int
    private let window: Double
    private let now: @Sendable () -> Double
    private let sleep: @Sendable (Double) async throws -> Void

    public private(set) var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// The pacing bucket: starts available now, refilled at `rate` up to `burst`.
    private var tokens: Double
    private var refilledAt = -Double.infinity
    /// The starts of the last `window` seconds, oldest first.
    private var recentStarts: [Double] = []
    private var pausedUntil = -Double.infinity
    /// Counters for reports and tests.
    public private(set) var started = 0
    public private(set) var peakInFlight = 0

    public init(rate: Double = RequestScheduler.defaultRate, maxInFlight: Int = RequestScheduler.defaultMaxInFlight,
                now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
        precondition(maxInFlight > 0)
        // Bounded like `--rate`, so no window or pacing interval overflows (1e-300 would make one of 1e300 s).
        let rate = QuantitySetting.rate.clamped(rate)
        self.rate = rate
        self.maxInFlight = maxInFlight
        perWindow = max(1, Int(rate.rounded(.down)))
        window = max(1, Double(perWindow) / rate)
        burst = min(RequestScheduler.defaultBurst, perWindow)
        tokens = Double(burst)
        self.now = now
        self.sleep = sleep
    }

    /// The start time `acquire` would have to wait for lies past the caller's deadline; nothing
    /// was started and the place is given back.
    public struct PastDeadline: Error, Sendable, Equatable {
        /// Seconds until the start pacing allows, and seconds left before the deadline.
        public var wait: Double
        public var remaining: Double
        /// The start is held back by a 429's pause (not by `--rate` pacing).
        public var paused: Bool
    }

    /// Waits for a place and a start time; the caller must `release()` once its request is answered.
    /// On cancellation during the wait, the place is given back and the error rethrown. A start
    /// later than `deadline` (monotonic seconds, as `now`) is not waited for: `PastDeadline` at once,
    /// so a slow `--rate` never outlasts `--deadline`.
    public func acquire(deadline: Double = .infinity) async throws {
        if inFlight >= maxInFlight {
            await withCheckedContinuation { waiters.append($0) }  // release() hands its place over
        } else {
            inFlight += 1
        }
        peakInFlight = max(peakInFlight, inFlight)
        do {
            while true {
                let t = now()
                refill(at: t)
                while let oldest = recentStarts.first, oldest <= t - window { recentStarts.removeFirst() }
                var slot = max(t, pausedUntil)
                if tokens < 1 { slot = max(slot, t + (1 - tokens) / rate) }
                if recentStarts.count >= perWindow { slot = max(slot, recentStarts[recentStarts.count - perWindow] + window) }
                if slot <= t {
                    tokens -= 1
                    recentStarts.append(t)
                    started += 1
                    return
                }
                if slot > deadline {
                    throw PastDeadline(wait: slot - t, remaining: deadline - t, paused: pausedUntil >= slot)
                }
                // Reserve nothing while asleep: a pause set meanwhile moves the slot, and the loop re-checks.
                try await sleep(slot - t)
            }
        } catch {
            release()
            throw error
        }
    }

    public func release() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            waiters.removeFirst().resume()  // the place passes on; inFlight is unchanged
        }
    }

    /// A 429: nobody starts before `instant`, and then one at a time, paced (no burst into a
    /// server that has just said it is over its limit).
    public func pause(until instant: Double) {
        pausedUntil = max(pausedUntil, instant)
        tokens = min(tokens, 1)
        refilledAt = max(refilledAt, instant)
    }

    private func refill(at t: Double) {
        guard t > refilledAt else { return }
        if refilledAt.isFinite { tokens = min(Double(burst), tokens + (t - refilledAt) * rate) }
        refilledAt = t
    }

    /// Runs `body` inside a place.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let value = try await body()
            release()
            return value
        } catch {
            release()
            throw error
        }
    }
}
