import ArgumentParser
import Support
import ProfileApply

/// Where `--metrics-listen` binds: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` for every interface.
struct MetricsAddress: Sendable, Equatable {
    var host: String
    var port: Int

    static func parse(_ text: String) throws -> MetricsAddress {
        func invalid() -> ValidationError {
            ValidationError("--metrics-listen \(text): expected HOST:PORT, [IPv6]:PORT or :PORT (a port from 0 to 65535)")
        }
        guard let colon = text.lastIndex(of: ":") else { throw invalid() }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { throw invalid() }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        else if host.contains(":") { throw invalid() }
        return MetricsAddress(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }
}

/// `pachca-profile-metrics`, the small server `watch --metrics-listen` starts beside itself: it
/// serves the metrics file this process rewrites after every cycle. A binary of its own, so
/// that SwiftNIO is mapped by `watch --metrics-listen` only, never by `plan` or `apply`
/// (BENCHMARKS.md "watch"). It ends with this process.
struct MetricsHelper {
    let pid: pid_t
    /// `HOST:PORT` it bound (the port chosen when 0 was asked for).
    let boundAddress: String

    static let name = "pachca-profile-metrics"

    /// Beside the running executable (the tarball's `bin/`, the image's `/usr/local/bin`).
    static func executable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let me = count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : CommandLine.arguments[0]
        return LocalPath.directory(of: me) + "/" + name
    }

    /// Starts it and waits (at most 10 s) for the line that says it listens. Call before the
    /// stop signals are taken over, so that it keeps SIGTERM's default action.
    static func start(_ address: MetricsAddress, file: String) throws -> MetricsHelper {
        let path = executable()
        func failure(_ reason: String) -> CLIError {
            CLIError(kind: .configuration, description: "cannot serve metrics on \(address.host):\(address.port): \(reason)")
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw failure(String(cString: strerror(errno))) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let arguments = [path, "--host", address.host, "--port", String(address.port), "--file", file]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        argv.forEach { free($0) }
        close(fds[1])
        defer { close(fds[0]) }
        guard spawned == 0 else { throw failure("cannot start \(path): \(String(cString: strerror(spawned)))") }

        var line: [UInt8] = []
        var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(10)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            guard poll(&poller, 1, 200) >= 0 || errno == EINTR else { break }
            guard poller.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 256)
            let n = systemRead(fds[0], &chunk, chunk.count)
            if n <= 0 { break }
            line += chunk[..<n]
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening "), let end = text.firstIndex(of: "\n") else {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            throw failure("\(name) did not start (its reason is above)")
        }
        return MetricsHelper(pid: pid, boundAddress: String(text[text.index(text.startIndex, offsetBy: 10)..<end]))
    }

    /// The metrics file of a run without `--metrics-file`, removed when it ends.
    static func temporaryFile() -> String {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return folder + "/pachca-profile-watch-\(getpid()).prom"
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
