import Foundation
import ProfileApply
import TestTeardown
import Testing
import Timekeeping

/// Issue 19: `PACHCA_LOCK_TIMEOUT=1e19` trapped while printing the wait; `0x10` was 16 s.
@Suite(.awaitsTeardown) struct LockNumberTests {
    @Test func theLockTimeoutIsReadByTheOneNumberReader() throws {
        #expect(try StateLock.configuredTimeout(environment: [:]) == StateLock.defaultTimeout)
        #expect(try StateLock.configuredTimeout(environment: ["PACHCA_LOCK_TIMEOUT": ""]) == StateLock.defaultTimeout)
        #expect(try StateLock.configuredTimeout(environment: ["PACHCA_LOCK_TIMEOUT": "0.5"]) == 0.5)
        #expect(try StateLock.configuredTimeout(environment: ["PACHCA_LOCK_TIMEOUT": "0"]) == 0)
        for bad in ["1e19", "0x10", "-1", "inf", "86401"] {
            #expect(throws: QuantityError.self, "\(bad)") { try StateLock.configuredTimeout(environment: ["PACHCA_LOCK_TIMEOUT": bad]) }
        }
    }

    @Test func hugeTimeoutsArePrintedNotTrapped() {
        let message = StateLock.LockError.timedOut(path: "x.lock", seconds: 1e19).description
        #expect(message.contains("86400 s"), "\(message)")
    }

    /// A caller passing 1e19 gets a bounded wait; an uncontended lock is taken at once.
    @Test func anUncontendedLockWithAHugeTimeoutIsTaken() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lock = try await StateLock.acquire(statePath: dir.appendingPathComponent(".me.state.json").path, timeout: 1e19) { _ in }
        #expect(lock.path.hasSuffix(".lock"))
    }
}
