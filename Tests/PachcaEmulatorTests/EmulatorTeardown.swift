import Foundation
import Testing
@testable import PachcaEmulator

/// Stops every emulator a test started with `startEmulator`, and awaits that, after the test
/// body — also when it throws (instead of `defer { Task { … } }`, which could outlive the test).
struct EmulatorTeardown: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }
        let started = StartedEmulators()
        try await StartedEmulators.$current.withValue(started) {
            do {
                try await function()
            } catch {
                await started.stopAll()
                throw error
            }
            await started.stopAll()
        }
    }
}

extension Trait where Self == EmulatorTeardown {
    static var stopsEmulators: Self { EmulatorTeardown() }
}

/// The emulators started within one test (a task-local, inherited by the test's child tasks).
actor StartedEmulators {
    @TaskLocal static var current: StartedEmulators?
    private var emulators: [Emulator] = []

    func add(_ emulator: Emulator) { emulators.append(emulator) }

    func stopAll() async {
        for emulator in emulators { await emulator.stop() }
        emulators = []
    }
}
