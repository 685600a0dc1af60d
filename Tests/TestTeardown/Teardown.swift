// A plain target (test targets cannot be depended on), so `swift build -c release` compiles it too,
// where the Testing module is not on the search path: then it is empty.
#if canImport(Testing)
import Testing

/// Awaits, after each test body (also when it throws), the teardown of everything the test
/// started and registered with `TeardownRegistry.register` — instead of `defer { Task { … } }`,
/// whose work could outlive the test and overlap the next one.
public struct Teardown: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }
        let registry = TeardownRegistry()
        try await TeardownRegistry.$current.withValue(registry) {
            do {
                try await function()
            } catch {
                await registry.runAll()
                throw error
            }
            await registry.runAll()
        }
    }
}

extension Trait where Self == Teardown {
    /// `@Suite(.awaitsTeardown)`: servers a test started are stopped, awaited, after it.
    public static var awaitsTeardown: Self { Teardown() }
}

/// What to tear down after the current test (a task-local, inherited by the test's child tasks).
public actor TeardownRegistry {
    @TaskLocal public static var current: TeardownRegistry?
    private var steps: [@Sendable () async -> Void] = []

    /// Registers `step` with the running test. A server started outside a test with the
    /// `.awaitsTeardown` trait would outlive it: that is a failure of the test, not a leak.
    public static func register(_ step: @escaping @Sendable () async -> Void) async {
        guard let current else {
            // The test fails here, with this message, rather than later with a server that outlived it.
            Issue.record("a server was started outside a test with the .awaitsTeardown trait (add it to the suite): it would outlive the test")
            return
        }
        await current.add(step)
    }

    func add(_ step: @escaping @Sendable () async -> Void) { steps.append(step) }

    func runAll() async {
        for step in steps.reversed() { await step() }
        steps = []
    }
}
#endif
