import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a run of the built `pachca-profile` produced; stdout and stderr are kept apart.
struct RunResult: Sendable {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    /// True when the run was killed for exceeding its time limit.
    var timedOut: Bool = false
}

enum BinaryRunnerError: Error, CustomStringConvertible {
    case binaryNotFound(searched: [String])
    var description: String {
        switch self {
        case .binaryNotFound(let searched):
            "pachca-profile binary not found (set PACHCA_PROFILE_BIN); looked in: \(searched.joined(separator: ", "))"
        }
    }
}

/// Runs the built `pachca-profile` with a clean environment: only PATH, HOME, TMPDIR, LANG and
/// NO_PROXY=127.0.0.1,localhost, plus `env` — never the caller's PACHCA_*, NO_COLOR or
/// GITHUB_ACTIONS, so a developer's shell cannot change a test's outcome.
func runProfileTool(_ args: [String], env: [String: String] = [:], stdin: String? = nil, cwd: URL? = nil,
                    timeout: TimeInterval = 60) async throws -> RunResult {
    try await runProgram(try ProfileToolBinary.url(), args, environment: profileToolEnvironment(env), stdin: stdin, cwd: cwd,
                         timeout: timeout)
}

/// The one way the end-to-end tests run a program: with exactly `environment`, stdin from
/// `stdin` (else /dev/null), stdout and stderr kept apart and both drained while it runs (no
/// deadlock on large output), killed after `timeout` seconds.
func runProgram(_ executable: URL, _ args: [String], environment: [String: String], stdin: String? = nil,
                cwd: URL? = nil, timeout: TimeInterval = 60) async throws -> RunResult {
    let config = RunConfig(binary: executable, args: args, environment: environment, stdin: stdin, cwd: cwd, timeout: timeout)
    return try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do { continuation.resume(returning: try config.runBlocking()) } catch { continuation.resume(throwing: error) }
        }
    }
}

/// `runProgram`, blocking the calling thread (for synchronous helpers such as the schema check).
func runProgramBlocking(_ executable: URL, _ args: [String], environment: [String: String], stdin: String? = nil,
                        cwd: URL? = nil, timeout: TimeInterval = 60) throws -> RunResult {
    try RunConfig(binary: executable, args: args, environment: environment, stdin: stdin, cwd: cwd, timeout: timeout)
        .runBlocking()
}

/// The clean environment of every run of the binary (see `runProfileTool`), plus `env`.
func profileToolEnvironment(_ env: [String: String]) -> [String: String] {
    var environment: [String: String] = ["NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"]
    let inherited = ProcessInfo.processInfo.environment
    for key in ["PATH", "HOME", "TMPDIR", "LANG"] { if let v = inherited[key] { environment[key] = v } }
    environment.merge(env) { _, new in new }
    return environment
}

enum ProfileToolBinary {
    static let name = "pachca-profile"

    /// PACHCA_PROFILE_BIN, else beside the test bundle (SwiftPM puts products and the test
    /// bundle in one folder), else the newest `.build*/debug/pachca-profile` of this checkout.
    static func url() throws -> URL {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["PACHCA_PROFILE_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var candidates: [URL] = []
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" || bundle == Bundle.main {
            candidates.append(bundle.bundleURL.appendingPathComponent(name))
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        }
        if let argv0 = CommandLine.arguments.first {
            let exe = URL(fileURLWithPath: argv0).standardizedFileURL
            candidates.append(exe.deletingLastPathComponent().appendingPathComponent(name))
            // macOS: …/debug/X.xctest/Contents/MacOS/X
            candidates.append(exe.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(name))
        }
        if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) { return found }

        // Fallback: the checkout this file lives in (Tests/EndToEndTests/Support/…).
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let builds = ((try? fm.contentsOfDirectory(atPath: repo.path)) ?? []).filter { $0.hasPrefix(".build") }
        let fromBuilds = builds.map { repo.appendingPathComponent($0).appendingPathComponent("debug").appendingPathComponent(name) }
            .filter { fm.isExecutableFile(atPath: $0.path) }
        func modified(_ u: URL) -> Date { ((try? fm.attributesOfItem(atPath: u.path))?[.modificationDate] as? Date) ?? .distantPast }
        if let newest = fromBuilds.max(by: { modified($0) < modified($1) }) { return newest }
        throw BinaryRunnerError.binaryNotFound(searched: candidates.map(\.path) + fromBuilds.map(\.path))
    }
}

private struct RunConfig: Sendable {
    var binary: URL
    var args: [String]
    var environment: [String: String]
    var stdin: String?
    var cwd: URL?
    var timeout: TimeInterval

    func runBlocking() throws -> RunResult {
        // A child that exits without reading its stdin must not kill the test run with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.environment = environment
        if let cwd { process.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let collected = Collected()
        let readers = DispatchGroup()
        for (pipe, isStdout) in [(out, true), (err, false)] {
            let handle = pipe.fileHandleForReading
            readers.enter()
            Thread.detachNewThread {
                let data = handle.readDataToEndOfFile()
                collected.set(data, stdout: isStdout)
                readers.leave()
            }
        }
        if let stdin {
            let handle = input.fileHandleForWriting
            Thread.detachNewThread {
                try? handle.write(contentsOf: Data(stdin.utf8))
                try? handle.close()
            }
        }

        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        _ = readers.wait(timeout: .now() + 5)
        let (stdoutData, stderrData) = collected.get()
        return RunResult(exitCode: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self), timedOut: timedOut)
    }
}

/// Output gathered by the reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stdout = Data(), stderr = Data()
    func set(_ data: Data, stdout isStdout: Bool) {
        lock.lock(); defer { lock.unlock() }
        if isStdout { stdout = data } else { stderr = data }
    }
    func get() -> (Data, Data) {
        lock.lock(); defer { lock.unlock() }
        return (stdout, stderr)
    }
}
