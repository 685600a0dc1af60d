import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `pachca-profile` running in the background (`watch`), its output read as it
/// comes, so a test can wait for a line, signal the process and collect its exit status.
final class BackgroundRun: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private let exited = DispatchSemaphore(value: 0)

    init(_ arguments: [String], env: [String: String], cwd: URL) throws {
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = try ProfileToolBinary.url()
        process.arguments = arguments
        process.environment = profileToolEnvironment(env)
        process.currentDirectoryURL = cwd
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        for (pipe, isStdout) in [(stdout, true), (stderr, false)] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return }
                    lock.withLock { if isStdout { out.append(chunk) } else { err.append(chunk) } }
                }
            }
        }
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
    var isRunning: Bool { process.isRunning }

    /// Polls until `condition` holds (true) or `timeout` seconds pass (false).
    func wait(upTo timeout: TimeInterval, until condition: () async -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if await condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return await condition()
    }

    /// Until stderr holds `count` cycle lines.
    func waitForCycles(_ count: Int, timeout: TimeInterval) async -> Bool {
        await wait(upTo: timeout) { self.cycleLines.count >= count }
    }

    var cycleLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.contains(" cycle ") } }

    /// Sends `signal` and waits for the exit: the status, or nil (then the process is killed).
    func stop(_ signal: Int32 = SIGTERM, timeout: TimeInterval = 10) async -> Int32? {
        kill(process.processIdentifier, signal)
        let exited = self.exited
        let ended = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: exited.wait(timeout: .now() + timeout) == .success) }
        }
        guard ended else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        // Let the readers take the last bytes.
        try? await Task.sleep(nanoseconds: 100_000_000)
        return process.terminationStatus
    }
}

extension Harness {
    /// `pachca-profile watch …` in the harness folder, against the emulator.
    func watch(_ arguments: [String], env extra: [String: String] = [:]) throws -> BackgroundRun {
        try BackgroundRun(["watch"] + arguments, env: environment.merging(extra) { _, new in new }, cwd: directory)
    }
}
