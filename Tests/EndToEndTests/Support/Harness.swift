import Foundation
import TestTeardown
import PachcaEmulator
import Testing

/// One emulator on port 0 plus a temporary folder of profiles, for driving the built
/// `pachca-profile` binary over real HTTP. The emulator's journal is the test oracle.
struct Harness {
    let emulator: Emulator
    let directory: URL
    let token: String

    static let defaultToken = "e2e-token-5f3a9c2e71d84b06"

    static func start(token: String = defaultToken, clock: EmulatorClock = .system,
                      configure: (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> Harness {
        var configuration = EmulatorConfiguration(
            tokens: [TokenGrant(token: token, scopes: EmulatorConfiguration.allProfileScopes)])
        configuration.rateLimitPerSecond = 0
        configure(&configuration)
        let emulator = Emulator(configuration: configuration, clock: clock)
        _ = try await emulator.start()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pachca-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let harness = Harness(emulator: emulator, directory: directory, token: token)
        await TeardownRegistry.register { await harness.stop() }
        return harness
    }

    /// Runs `body` with a started harness, then stops it and awaits that, whether `body`
    /// returned or threw (no `defer { Task { … } }` that outlives the test).
    static func with<T>(token: String = defaultToken, configure: (inout EmulatorConfiguration) -> Void = { _ in },
                        _ body: (Harness) async throws -> T) async throws -> T {
        let h = try await start(token: token, configure: configure)
        do {
            let result = try await body(h)
            await h.stop()
            return result
        } catch {
            await h.stop()
            throw error
        }
    }

    /// Runs `body` with this (started) harness and stops it afterwards, whatever happens: the
    /// scoped form for harnesses a suite prepares (`try await Self.start().use { h in … }`).
    func use<T>(_ body: (Harness) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    func stop() async {
        await emulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var environment: [String: String] {
        ["PACHCA_API_URL": emulator.baseURL.absoluteString, "PACHCA_TOKEN": token]
    }

    /// Runs `pachca-profile` in the harness folder with the emulator's URL and token.
    /// Every run is also checked for the token (issue 10): no test may see it printed.
    func run(_ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil) async throws -> RunResult {
        let result = try await runProfileTool(arguments, env: environment.merging(extra) { _, new in new }, stdin: stdin, cwd: directory)
        for secret in [token, extra["PACHCA_TOKEN"]].compactMap({ $0 }) where secret.count >= 8 {
            if result.stdout.contains(secret) || result.stderr.contains(secret) {
                Issue.record("the token was printed by \(arguments)")
            }
        }
        return result
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return name
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return name
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A person's state record in the default store of the harness folder, relative to it
    /// (`.pachca-profile/127.0.0.1_PORT/1001.json`): one per API host and person id.
    func record(_ id: Int = SeedUser.defaultID) -> String {
        let url = emulator.baseURL
        return ".pachca-profile/\(url.host ?? "")\(url.port.map { "_\($0)" } ?? "")/\(id).json"
    }

    /// Creates the folder of `record(id)` (to plant something there before the first apply).
    func makeRecordFolder(_ id: Int = SeedUser.defaultID) throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(record(id)).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
    }

    /// Every request that changed something (PUT/DELETE), as "METHOD /api-path".
    func writes() async -> [String] {
        await emulator.journal().filter { $0.method != "GET" && $0.method != "HEAD" }
            .map { "\($0.method) \($0.apiPath ?? $0.path)" }
    }

    func apiCalls() async -> [String] {
        await emulator.journal().compactMap { entry in entry.apiPath.map { "\(entry.method) \($0)" } }
    }

    /// A 1×1 PNG; `variant` appends bytes after IEND so each variant hashes differently.
    static func png(variant: UInt8 = 0) -> [UInt8] {
        let base = Array(Data(base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!)
        return variant == 0 ? base : base + [variant]
    }

    static func iso(_ offset: TimeInterval) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date().addingTimeInterval(offset))
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}
