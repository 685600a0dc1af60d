import FlyingFox
import Foundation
import TestTeardown
import Testing
@testable import PachcaAPI

/// The libcurl engine's own promises: real cancellation, connection reuse, notices, and the
/// small parsers that replaced Foundation's formatters.
@Suite(.awaitsTeardown) struct EngineTests {
    /// A cancelled call returns at once (its transfer leaves the multi handle), instead of
    /// waiting for the server or the timeout.
    @Test func cancellationIsImmediate() async throws {
        let server = try await ScriptedServer { _, _ in
            try await Task.sleep(nanoseconds: 5_000_000_000)
            return json(200, profileJSON)
        }
        let client = try makeClient(server.baseURL, timeout: 10)
        let call = Task { try await client.profile(.me) }
        try await Task.sleep(nanoseconds: 200_000_000)
        let started = ProcessInfo.processInfo.systemUptime
        call.cancel()
        let result = await call.result
        let waited = ProcessInfo.processInfo.systemUptime - started
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(waited < 0.5, "cancellation took \(waited) s")
    }

    @Test func sequentialCallsReuseTheConnection() async throws {
        let server = try await ScriptedServer { _, _ in json(200, profileJSON) }
        let sink = TraceSink()
        let client = try makeClient(server.baseURL, trace: sink)
        for _ in 0..<3 { _ = try await client.profile(.me) }
        #expect(sink.lines.count == 3)
        #expect(sink.lines.dropFirst().allSatisfy { $0.hasSuffix("connection reused)") }, "\(sink.lines)")
    }

    @Test func retryNoticeSaysWhatAndWhen() async throws {
        let server = try await ScriptedServer { _, i in i == 1 ? empty(503) : json(200, profileJSON) }
        let clock = FakeClock()
        let notices = TraceSink()
        var configuration = ClientConfiguration(baseURL: server.baseURL, token: APIToken(secretToken),
                                                retry: clock.policy(jitter: 1))
        configuration.retryNotice = { notices.append($0) }
        _ = try await PachcaClient(configuration).profile(.me)
        #expect(notices.lines == ["retrying GET /profile in 0.5 s (503)…"])
    }

    @Test func httpDatesParseWithoutFormatters() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Mon, 10 Mar 2025 12:00:00 GMT") == Date(timeIntervalSince1970: 1_741_608_000))
        #expect(HTTPDate.parse("soon") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
    }

    @Test func proxyIsNamedAsLibcurlWouldPickIt() {
        let env = ["https_proxy": "http://user:pw@proxy.corp:3128/", "http_proxy": "http://plain:8080",
                   "NO_PROXY": "internal.example, .corp.example"]
        #expect(ProxyEnvironment.proxy(scheme: "https", host: "api.pachca.com", environment: env) == "proxy.corp:3128")
        #expect(ProxyEnvironment.proxy(scheme: "https", host: "a.corp.example", environment: env) == nil)
        #expect(ProxyEnvironment.proxy(scheme: "http", host: "x.example", environment: env) == "plain:8080")
        #expect(ProxyEnvironment.proxy(scheme: "https", host: "api.pachca.com", environment: ["ALL_PROXY": "socks5://s"]) == "s:1080")
        #expect(ProxyEnvironment.proxy(scheme: "https", host: "api.pachca.com", environment: ["HTTP_PROXY": "http://x:1"]) == nil)
        // Loopback never goes through a proxy.
        #expect(Endpoint(scheme: "http", host: "127.0.0.1", port: 8080, environment: ["http_proxy": "http://p:1"]).proxy == nil)
    }
}
