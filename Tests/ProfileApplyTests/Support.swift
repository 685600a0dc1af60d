import Foundation
import PachcaAPI
import PachcaEmulator
import ProfileApply
import ProfileCore

/// An emulator in this process on port 0 and a client for it. `body` runs, then the emulator is
/// stopped and awaited whether `body` returned or threw: teardown never outlives the test.
func withEmulator<T: Sendable>(
    configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: (Emulator, PachcaClient, URL) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration(
        tokens: [TokenGrant(token: testToken, scopes: EmulatorConfiguration.allProfileScopes)])
    configuration.rateLimitPerSecond = 0
    configure(&configuration)
    let emulator = Emulator(configuration: configuration)
    let base = try await emulator.start(port: 0)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("profile-apply-\(UUID().uuidString)")
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let client = try PachcaClient(ClientConfiguration(
            baseURL: base, token: APIToken(testToken), timeout: 5, retry: RetryPolicy(maxTransientRetries: 0)))
        let result = try await body(emulator, client, folder)
        await emulator.stop()
        try? FileManager.default.removeItem(at: folder)
        return result
    } catch {
        await emulator.stop()
        try? FileManager.default.removeItem(at: folder)
        throw error
    }
}

let testToken = "profile-apply-token-3b8e61f0"

/// Loads a desired-state file written into `folder`.
func desired(_ yaml: String, named name: String = "me.yaml", in folder: URL, now: Date = Date()) throws -> DesiredState {
    let path = folder.appendingPathComponent(name).path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let result = loadDesiredState(path: path, now: now)
    guard let state = result.desired else { throw LoadFailure(diagnostics: result.diagnostics) }
    return state
}

struct LoadFailure: Error { var diagnostics: [Diagnostic] }

/// A 1×1 PNG; `variant` appends bytes after IEND so each variant hashes differently.
func png(variant: UInt8 = 0) -> [UInt8] {
    let base = Array(Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!)
    return variant == 0 ? base : base + [variant]
}
