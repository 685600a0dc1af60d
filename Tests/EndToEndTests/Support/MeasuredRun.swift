import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run of the built `pachca-profile` with its wall time and peak RSS, for the bounds of the
/// hostile-server tests. The RSS comes from GNU time (`/usr/bin/time -f %M`), which forks the
/// binary from its own small process: a child spawned straight from this big test process
/// would report the test process's RSS (Linux keeps a pre-exec peak). nil without GNU time.
struct MeasuredRun: Sendable {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
    var peakRSSMegabytes: Double?
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
    let rssFile = cwd.appendingPathComponent(".measured-\(UUID().uuidString).rss").path
    defer { unlink(rssFile) }
    let time = "/usr/bin/time"
    let hasTime = access(time, X_OK) == 0
    // sh changes directory, then becomes the binary.
    let inner = ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, cwd.path, binary] + args
    let command = hasTime ? [time, "-f", "%M", "-o", rssFile] + inner : inner
    let argv = command.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let started = ProcessInfo.processInfo.systemUptime
    let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
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
    // GNU time writes "Command exited with non-zero status N" before the figure (in KiB).
    let kilobytes = read(rssFile).split(whereSeparator: \.isNewline).last.flatMap { Double($0) }
    return MeasuredRun(exitCode: code, stdout: read(out), stderr: read(err), seconds: seconds,
                       peakRSSMegabytes: hasTime ? kilobytes.map { $0 / 1024 } : nil)
}
#endif
