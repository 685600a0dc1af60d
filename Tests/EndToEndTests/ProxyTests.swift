import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Proxies are libcurl's own variables. A local CONNECT proxy (bench/tls-proxy.py) plays
/// `https://api.pachca.test`, a name nothing else resolves, with a throwaway certificate
/// trusted through CURL_CA_BUNDLE: a plan succeeds only through the proxy, with TLS verified.
@Suite(.awaitsTeardown) struct ProxyTests {
    @Test(.enabled(if: TLSProxy.available, "needs python3, openssl and bench/tls-proxy.py"))
    func httpsThroughAProxyWithAPrivateCA() async throws {
        let proxy = try #require(try await TLSProxy.start(), "the CONNECT proxy did not start")
        defer { proxy.stop() }
        let h = try await Harness.start()
        proxy.forward(to: h.emulator.baseURL.port!)
        try h.write("me.yaml", ReconcileTests.statusOnly)
        var env = proxy.environment
        env["CURL_CA_BUNDLE"] = proxy.certificate
        let run = try await h.run(["plan", "me.yaml"], env: env)
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Plan: 1 to create"))
        #expect(await h.apiCalls().sorted() == ["GET /profile", "GET /profile/status"])
        #expect(proxy.log().contains("CONNECT api.pachca.test:443"))

        // Without the CA the certificate is refused, and the error says where and why.
        let untrusted = try await h.run(["plan", "--deadline", "2", "me.yaml"], env: proxy.environment)
        #expect(untrusted.exitCode == 1)
        #expect(untrusted.stderr.contains("cannot connect to api.pachca.test:443 through proxy 127.0.0.1:\(proxy.port): TLS certificate not trusted"),
                "\(untrusted.stderr)")
    }

    @Test func refusedProxyIsNamedInTheError() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let run = try await h.run(["plan", "--deadline", "2", "me.yaml"], env: [
            "https_proxy": "http://127.0.0.1:1", "NO_PROXY": "", "no_proxy": "",
            "PACHCA_API_URL": "https://api.pachca.test/api/shared/v1",
        ])
        #expect(run.exitCode == 1)
        #expect(run.stderr.range(of: #"cannot connect to api\.pachca\.test:443 through proxy 127\.0\.0\.1:1: connection refused \(after \d attempts, [0-9.]+ m?s\)"#,
                                 options: .regularExpression) != nil, "\(run.stderr)")
    }

    /// An `http://` loopback API URL never goes through a proxy: the token would reach it in clear.
    @Test(.enabled(if: TLSProxy.available, "needs python3, openssl and bench/tls-proxy.py"))
    func loopbackNeverGoesThroughAProxy() async throws {
        let proxy = try #require(try await TLSProxy.start(), "the CONNECT proxy did not start")
        defer { proxy.stop() }
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let address = "http://127.0.0.1:\(proxy.port)"
        let run = try await h.run(["plan", "me.yaml"], env: [
            "http_proxy": address, "all_proxy": address, "ALL_PROXY": address, "NO_PROXY": "", "no_proxy": "",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(proxy.log().isEmpty, "the proxy saw: \(proxy.log())")
    }
}

/// bench/tls-proxy.py with a fresh self-signed certificate for api.pachca.test. The tests that
/// need it are skipped, and say so, where python3, openssl or the script is missing; nil from
/// `start()` (they fail) when those are there and it still does not come up.
final class TLSProxy: @unchecked Sendable {
    let process: Process
    let port: Int
    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    private var upstreamFile: URL { directory.appendingPathComponent("upstream") }

    var environment: [String: String] {
        ["https_proxy": "http://127.0.0.1:\(port)", "NO_PROXY": "", "no_proxy": "",
         "PACHCA_API_URL": "https://api.pachca.test/api/shared/v1"]
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("bench/tls-proxy.py")

    static func tool(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
                .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var available: Bool {
        tool("python3") != nil && tool("openssl") != nil && FileManager.default.fileExists(atPath: script.path)
    }

    static func start() async throws -> TLSProxy? {
        guard let python = tool("python3"), let openssl = tool("openssl"),
              FileManager.default.fileExists(atPath: script.path) else { return nil }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pachca-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: openssl)
        keygen.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                            "-keyout", directory.appendingPathComponent("key.pem").path,
                            "-out", directory.appendingPathComponent("cert.pem").path,
                            "-subj", "/CN=api.pachca.test", "-addext", "subjectAltName=DNS:api.pachca.test", "-days", "2"]
        keygen.standardOutput = FileHandle.nullDevice
        keygen.standardError = FileHandle.nullDevice
        try keygen.run()
        keygen.waitUntilExit()
        guard keygen.terminationStatus == 0 else { return nil }
        // The upstream port is read from a file per connection, so the proxy can start first.
        let relay = directory.appendingPathComponent("relay.py")
        try """
            import os, runpy, sys
            here = os.path.dirname(os.path.abspath(__file__))
            import socket
            real = socket.create_connection
            def to_upstream(address, *a, **k):
                port = int(open(os.path.join(here, "upstream")).read())
                return real(("127.0.0.1", port), *a, **k)
            socket.create_connection = to_upstream
            sys.argv = [sys.argv[1]] + sys.argv[2:]
            runpy.run_path(sys.argv[0], run_name="__main__")
            """.write(to: relay, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [relay.path, script.path, directory.appendingPathComponent("cert.pem").path,
                             directory.appendingPathComponent("key.pem").path, "127.0.0.1", "1",
                             directory.appendingPathComponent("log").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "port=", with: "")) else {
            process.terminate()
            return nil
        }
        return TLSProxy(process: process, port: port, directory: directory)
    }

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    func forward(to port: Int) {
        try? String(port).write(to: upstreamFile, atomically: true, encoding: .utf8)
    }

    func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? ""
    }

    func stop() {
        // SIGKILL, not terminate(): the child inherits the test process's blocked SIGTERM, so a
        // plain terminate() left one python relay running per test after the suite ended.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
