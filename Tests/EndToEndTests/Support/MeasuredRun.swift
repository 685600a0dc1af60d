import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run of the built `pachca-profile` with its peak RSS and wall time, taken from the
/// kernel (`wait4`'s rusage of that one child), for the bounds of the hostile-server tests.
struct MeasuredRun: Sendable {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
    var peakRSSMegabytes: Double
}

#if canImport(Glibc)
/// Runs the binary with `env` only (plus PATH), output to temporary files (no pipe can
/// fill up), and kills it after `limit` seconds.
func runMeasured(_ args: [String], env: [String: String], cwd: URL, limit: Double = 30) async throws -> MeasuredRun {
    let binary = try ProfileToolBinary.url().path
    return try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do { continuation.resume(returning: try spawnAndMeasure(binary, args, env: env, cwd: cwd, limit: limit)) } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

private func spawnAndMeasure(_ binary: String, _ args: [String], env: [String: String], cwd: URL,
                             limit: Double) throws -> MeasuredRun {
    let out = cwd.appendingPathComponent(".measured-\(UUID().uuidString).out").path
    let err = cwd.appendingPathComponent(".measured-\(UUID().uuidString).err").path
    defer { unlink(out); unlink(err) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var environment = env
    environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    // sh changes directory, then becomes the binary (same pid, so wait4 measures the binary).
    let argv = (["/bin/sh", "-c", #"cd "$0" && exec "$@""#, cwd.path, binary] + args).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let started = ProcessInfo.processInfo.systemUptime
    let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, WNOHANG, &usage) == 0 {
        if ProcessInfo.processInfo.systemUptime - started > limit { kill(pid, SIGKILL) }
        usleep(10_000)
    }
    let seconds = ProcessInfo.processInfo.systemUptime - started
    let exited = (status & 0x7f) == 0
    let code: Int32 = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    return MeasuredRun(exitCode: code, stdout: read(out), stderr: read(err), seconds: seconds,
                       peakRSSMegabytes: Double(usage.ru_maxrss) / 1024)  // ru_maxrss is in KiB on Linux
}
#endif
