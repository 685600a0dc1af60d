import Support
import ProfileApply

// pachca-profile-metrics --host H --port P --file PATH
//
// Started by `pachca-profile watch --metrics-listen` (docs/watch.md), never by hand: serves
// the metrics file that watch rewrites after every cycle at `/metrics`, and `/healthz` from the
// same figures at the time of the request. Prints `listening HOST:PORT` on stdout once bound;
// exits on SIGTERM, or within a second of its parent's end.

func fail(_ message: String) -> Never {
    let line = "pachca-profile-metrics: \(message)\n"
    _ = line.withCString { systemWrite(2, $0, strlen($0)) }
    systemExit(1)
}

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard ["--host", "--port", "--file"].contains(name), let value = arguments.popFirst() else {
        fail("usage: pachca-profile-metrics --host HOST --port PORT --file PATH (started by pachca-profile watch)")
    }
    options[name] = value
}
guard let host = options["--host"], let port = options["--port"].flatMap({ Int($0) }), (0...65_535).contains(port),
      let file = options["--file"] else {
    fail("usage: pachca-profile-metrics --host HOST --port PORT --file PATH (started by pachca-profile watch)")
}
let parent = getppid()
let metrics = MetricsFile(path: file)
do {
    let server = try await MetricsServer.start(host: host, port: port) { path in metrics.reply(path) }
    let line = "listening \(server.boundAddress)\n"
    _ = line.withCString { systemWrite(1, $0, strlen($0)) }
    // Serves until SIGTERM, or until watch is gone (then this process is re-parented).
    while getppid() == parent { try await Task.sleep(nanoseconds: 1_000_000_000) }
    systemExit(0)
} catch {
    fail("cannot listen on \(host):\(port): \(error)")
}

/// The metrics file as watch last wrote it, and health judged from it now.
struct MetricsFile: Sendable {
    var path: String
    static let plain = "text/plain; charset=utf-8"

    func reply(_ target: String) -> MetricsServer.Reply {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        guard path == "/metrics" || path == "/healthz" else {
            return .init(status: 404, contentType: Self.plain, body: "not found: try /metrics or /healthz\n")
        }
        guard case .bytes(let bytes, _) = BoundedFileRead.read(self.path, maxBytes: 1 << 20) else {
            return .init(status: 503, contentType: Self.plain, body: "no metrics yet\n")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if path == "/metrics" {
            return .init(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
        }
        return Self.health(text, now: Date().timeIntervalSince1970)
    }

    /// 200 while the last successful cycle (before the first, the start) is at most three
    /// intervals old, as the `pachca_profile_healthy` gauge says at each write.
    static func health(_ text: String, now: Double) -> MetricsServer.Reply {
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        guard let interval = value("pachca_profile_interval_seconds"),
              let started = value("pachca_profile_started_timestamp_seconds") else {
            return .init(status: 503, contentType: plain, body: "unhealthy: the metrics file has no interval or start time\n")
        }
        let lastSuccess = value("pachca_profile_last_success_timestamp_seconds").flatMap { $0.isNaN ? nil : $0 }
        if now - (lastSuccess ?? started) <= 3 * interval { return .init(status: 200, contentType: plain, body: "ok\n") }
        let since = lastSuccess.map { "last successful cycle \(Int(now - $0)) s ago" } ?? "no successful cycle yet"
        return .init(status: 503, contentType: plain, body: "unhealthy: \(since), more than three intervals\n")
    }
}
