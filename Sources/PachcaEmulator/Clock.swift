import Foundation

/// The emulator's notion of "now": real time (`.system`) or frozen (`.manual`), either one
/// movable by `advance(by:)`/`set(_:)` so tests never sleep for expiry or clock skew.
public final class EmulatorClock: @unchecked Sendable {
    private let lock = NSLock()
    private var frozen: Date?
    private var offset: TimeInterval = 0
    private var advancedTotal: TimeInterval = 0

    private init(frozen: Date?) { self.frozen = frozen }

    /// Real wall-clock time (plus any advance).
    public static var system: EmulatorClock { EmulatorClock(frozen: nil) }

    /// Time stands still at `start` until advanced or set.
    public static func manual(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) -> EmulatorClock {
        EmulatorClock(frozen: start)
    }

    public func now() -> Date {
        lock.withLock {
            if let frozen { return frozen }
            return Date().addingTimeInterval(offset)
        }
    }

    public func advance(by seconds: TimeInterval) {
        lock.withLock {
            if let f = frozen { frozen = f.addingTimeInterval(seconds) } else { offset += seconds }
            advancedTotal += max(0, seconds)
        }
    }

    public func set(_ date: Date) {
        let delta = date.timeIntervalSince(now())
        lock.withLock {
            if frozen != nil { frozen = date } else { offset += delta }
            advancedTotal += max(0, delta)
        }
    }

    /// Monotonic seconds for the rate-limit window: real elapsed time plus every advance,
    /// so a client that really waits `Retry-After` gets through even with a frozen clock,
    /// and a test that advances the clock does not have to wait.
    func monotonic() -> TimeInterval {
        lock.withLock { ProcessInfo.processInfo.systemUptime + advancedTotal }
    }
}
