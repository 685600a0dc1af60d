import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlyingFox
import TestTeardown
import FlyingSocks
@testable import PachcaAPI

/// A token nobody would write by accident, so grepping any output for it is meaningful.
let secretToken = "tok-SECRET-7c1f93e0b2d4a856"

/// One request as the scripted server saw it.
struct SeenRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]  // lowercased names
    var body: Data
    var remotePort: UInt16?
    var at: Double  // monotonic seconds
}

actor RequestLog {
    private(set) var requests: [SeenRequest] = []
    func append(_ r: SeenRequest) -> Int {
        requests.append(r)
        return requests.count
    }
    var count: Int { requests.count }
}

/// A FlyingFox server on 127.0.0.1, port 0, whose answers a test scripts. The handler gets
/// the request and its 1-based index among all requests.
final class ScriptedServer: Sendable {
    let server: HTTPServer
    let log = RequestLog()
    let port: UInt16
    private let task: Task<Void, any Error>

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    init(_ respond: @escaping @Sendable (SeenRequest, Int) async throws -> HTTPResponse) async throws {
        let log = self.log
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled)
        await server.appendRoute("*") { request in
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
            var query: [String: String] = [:]
            for item in request.query { query[item.name] = item.value }
            var remotePort: UInt16?
            if case .ip4(_, let port)? = request.remoteAddress { remotePort = port }
            let seen = SeenRequest(
                method: request.method.rawValue, path: request.path, query: query, headers: headers,
                body: try await request.bodyData, remotePort: remotePort,
                at: ProcessInfo.processInfo.systemUptime)
            let index = await log.append(seen)
            return try await respond(seen, index)
        }
        self.server = server
        self.task = Task { try await server.run() }
        try await server.waitUntilListening()
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            throw URLError(.cannotConnectToHost)
        }
        self.port = port
        await TeardownRegistry.register { [self] in await self.stop() }
    }

    func stop() async {
        await server.stop(timeout: 0)
        task.cancel()
    }
}

func json(_ status: Int = 200, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
    var h = HTTPHeaders()
    h[HTTPHeader("Content-Type")] = "application/json"
    for (k, v) in headers { h[HTTPHeader(k)] = v }
    return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Status"), headers: h, body: Data(text.utf8))
}

func empty(_ status: Int, headers: [String: String] = [:]) -> HTTPResponse {
    var h = HTTPHeaders()
    for (k, v) in headers { h[HTTPHeader(k)] = v }
    return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Status"), headers: h, body: Data())
}

let profileJSON = #"{"data":{"id":42,"first_name":"Ada","last_name":"Lovelace","nickname":"ada","email":null,"bot":false,"image_url":null,"user_status":null,"custom_properties":[]}}"#
let statusJSON = #"{"data":{"emoji":"🏖️","title":"В отпуске","expires_at":"2025-03-10T20:59:59.000Z","is_away":true,"away_message":{"text":"back soon"}}}"#

/// Fake monotonic clock: `sleep` advances it instantly and records each duration.
final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double = 1000
    private var recorded: [Double] = []

    var now: Double { lock.withLock { current } }
    var sleeps: [Double] { lock.withLock { recorded } }

    func sleep(_ seconds: Double) async throws {
        lock.withLock {
            recorded.append(seconds)
            current += max(0, seconds)
        }
        await Task.yield()
    }

    func policy(retries: Int = 4, deadline: Double = 60, jitter: Double = 0.5) -> RetryPolicy {
        RetryPolicy(
            maxTransientRetries: retries, baseDelay: 0.5, maxDelay: 8, overallDeadline: deadline,
            jitter: { jitter }, sleep: { try await self.sleep($0) }, now: { self.now })
    }
}

/// Collects trace lines.
final class TraceSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var closure: @Sendable (String) -> Void { { self.append($0) } }
}

func makeClient(_ base: URL, token: String? = secretToken, timeout: Double = 5,
                retry: RetryPolicy = RetryPolicy(maxTransientRetries: 0),
                trace: TraceSink? = nil) throws -> PachcaClient {
    try PachcaClient(ClientConfiguration(
        baseURL: base, token: token.map(APIToken.init), timeout: timeout, retry: retry,
        trace: trace?.closure))
}

/// Runs `body` and returns the PachcaAPIError it throws (nil when it throws none or another).
func apiError(_ body: () async throws -> Void) async -> PachcaAPIError? {
    do {
        try await body()
        return nil
    } catch let error as PachcaAPIError {
        return error
    } catch {
        return nil
    }
}

/// A raw TCP server for what HTTP servers do not do on purpose: accept, read the request
/// head, then either answer with `response(i)` bytes or (nil) close without a word.
final class RawServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var connections = 0
    private var stopped = false
    var connectionCount: Int { lock.withLock { connections } }

    init(response: @escaping @Sendable (Int) -> Data?) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw URLError(.cannotConnectToHost) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw URLError(.cannotConnectToHost) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in
            // The listening socket is closed here, by the accepting thread, never under it: a
            // descriptor closed elsewhere could be reused by another test's socket meanwhile.
            defer { close(fd) }
            while !self.lock.withLock({ self.stopped }) {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                let index = self.lock.withLock { () -> Int in
                    self.connections += 1
                    return self.connections
                }
                var head = Data()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while head.range(of: Data("\r\n\r\n".utf8)) == nil {
                    let n = read(client, &buffer, buffer.count)
                    if n <= 0 { break }
                    head.append(contentsOf: buffer[0..<n])
                }
                if let bytes = response(index) {
                    bytes.withUnsafeBytes { _ = write(client, $0.baseAddress, bytes.count) }
                }
                close(client)
            }
        }
        thread.start()
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Wakes the accepting thread (shutdown makes a blocked accept fail), which then closes the socket.
    func stop() {
        lock.withLock { stopped = true }
        shutdown(fd, Int32(SHUT_RDWR))
    }
}

func rawHTTP(_ status: Int, _ body: String) -> Data {
    let bytes = Data(body.utf8)
    return Data("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n".utf8) + bytes
}

/// An independent multipart/form-data parser (RFC 7578 / RFC 2046), written from the RFC
/// rather than from the client's encoder.
struct ParsedPart: Equatable {
    var headers: [String: String]  // lowercased names
    var body: Data
    var name: String? { parameter("name") }
    var fileName: String? { parameter("filename") }

    func parameter(_ key: String) -> String? {
        guard let disposition = headers["content-disposition"] else { return nil }
        for piece in disposition.split(separator: ";") {
            let kv = piece.trimmingCharacters(in: .whitespaces)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            let k = kv[..<eq].lowercased()
            var v = String(kv[kv.index(after: eq)...])
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            if k == key { return v }
        }
        return nil
    }
}

func boundary(fromContentType contentType: String) -> String? {
    for piece in contentType.split(separator: ";") {
        let kv = piece.trimmingCharacters(in: .whitespaces)
        if kv.lowercased().hasPrefix("boundary=") {
            var v = String(kv.dropFirst("boundary=".count))
            if v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            return v
        }
    }
    return nil
}

func parseMultipart(_ body: Data, boundary: String) -> [ParsedPart]? {
    let bytes = [UInt8](body)
    let first = Array("--\(boundary)".utf8)
    let delimiter = Array("\r\n--\(boundary)".utf8)
    func find(_ needle: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
    guard let start = find(first, from: 0), start == 0 else { return nil }
    var cursor = first.count
    var parts: [ParsedPart] = []
    while true {
        // After a delimiter: "--" closes, CRLF opens a part.
        if cursor + 2 <= bytes.count, bytes[cursor] == 45, bytes[cursor + 1] == 45 { return parts }
        guard cursor + 2 <= bytes.count, bytes[cursor] == 13, bytes[cursor + 1] == 10 else { return nil }
        cursor += 2
        guard let headEnd = find(Array("\r\n\r\n".utf8), from: cursor) else { return nil }
        let headText = String(decoding: bytes[cursor..<headEnd], as: UTF8.self)
        var headers: [String: String] = [:]
        for line in headText.components(separatedBy: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bodyStart = headEnd + 4
        guard let next = find(delimiter, from: bodyStart) else { return nil }
        parts.append(ParsedPart(headers: headers, body: Data(bytes[bodyStart..<next])))
        cursor = next + delimiter.count
    }
}
