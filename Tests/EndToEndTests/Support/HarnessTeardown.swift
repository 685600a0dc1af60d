import Foundation
import Testing

/// Stops every `Harness` a test started, and awaits that, after the test body — also when it
/// throws. Suites use `@Suite(.stopsHarnesses)` instead of `defer { Task { … } }`, whose stop
/// could outlive the test and overlap the next one.
struct HarnessTeardown: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }
        let started = StartedHarnesses()
        try await StartedHarnesses.$current.withValue(started) {
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

extension Trait where Self == HarnessTeardown {
    static var stopsHarnesses: Self { HarnessTeardown() }
}

/// The harnesses started within one test (a task-local, inherited by the test's child tasks).
actor StartedHarnesses {
    @TaskLocal static var current: StartedHarnesses?
    private var harnesses: [Harness] = []

    func add(_ harness: Harness) { harnesses.append(harness) }

    func stopAll() async {
        for harness in harnesses { await harness.stop() }
        harnesses = []
    }
}
