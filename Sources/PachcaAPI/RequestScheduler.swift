/// The per-token request scheduler of SPEC §9: every request of a run goes through one, so the
/// run never exceeds the token's limit however many subjects it handles.
/// - Starts are paced: two starts are at least `1/rate` seconds apart (no burst, so a sliding
///   one-second window sees at most `rate + 1` starts — 46 at the default 45, under the 50 of the API).
/// - At most `maxInFlight` requests are outstanding; a caller waits for a free place first, in
///   FIFO order, then for its start time.
/// - `pause(until:)` (a 429's `Retry-After`) holds back every start until then; pacing restarts from there.
/// Clock and sleep are injected (monotonic seconds), so tests run without real waiting.
public actor RequestScheduler {
    public static let defaultRate = 45.0
    public static let defaultMaxInFlight = 8

    public let rate: Double
    public let maxInFlight: Int
    private let now: @Sendable () -> Double
    private let sleep: @Sendable (Double) async throws -> Void

    public private(set) var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// The earliest instant the next request may start.
    private var nextStart = -Double.infinity
    private var pausedUntil = -Double.infinity
    /// Counters for reports and tests.
    public private(set) var started = 0
    public private(set) var peakInFlight = 0

    public init(rate: Double = RequestScheduler.defaultRate, maxInFlight: Int = RequestScheduler.defaultMaxInFlight,
                now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
        precondition(rate > 0 && rate.isFinite && maxInFlight > 0)
        self.rate = rate
        self.maxInFlight = maxInFlight
        self.now = now
        self.sleep = sleep
    }

    /// Waits for a place and a start time; the caller must `release()` once its request is answered.
    /// On cancellation during the wait, the place is given back and the error rethrown.
    public func acquire() async throws {
        if inFlight >= maxInFlight {
            await withCheckedContinuation { waiters.append($0) }  // release() hands its place over
        } else {
            inFlight += 1
        }
        peakInFlight = max(peakInFlight, inFlight)
        do {
            while true {
                let t = now()
                let slot = max(t, nextStart, pausedUntil)
                if slot <= t {
                    nextStart = t + 1 / rate
                    started += 1
                    return
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

    /// A 429: nobody starts before `instant`.
    public func pause(until instant: Double) {
        pausedUntil = max(pausedUntil, instant)
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
