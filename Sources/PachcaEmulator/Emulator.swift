import FlyingFox
import FlyingSocks
import Foundation

/// A local, spec-faithful Pachca API for the profile endpoints (docs/emulator.md), served over real HTTP.
///
/// API under `/api/shared/v1`, uploaded avatars under `/uploads/…` (no auth, like public storage),
/// control knobs for out-of-process use under `/__emulator/` (never under the API prefix).
public final class Emulator: Sendable {
    public static let apiPrefix = "/api/shared/v1"
    public static let controlPrefix = "/__emulator/"

    let core: EmulatorCore
    public let clock: EmulatorClock
    private let server = ServerBox()

    /// - Parameter journalSink: called with every journal entry as it is recorded (the executable's `--journal FILE`).
    public init(configuration: EmulatorConfiguration = .init(), clock: EmulatorClock = .system,
                journalSink: (@Sendable (JournalEntry) -> Void)? = nil) {
        self.clock = clock
        self.core = EmulatorCore(config: configuration, clock: clock, journalSink: journalSink)
    }

    // MARK: lifecycle

    /// Binds (port 0 picks a free port), starts serving, and returns the API base URL
    /// `http://HOST:PORT/api/shared/v1`.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) async throws -> URL {
        let ip = host == "localhost" ? "127.0.0.1" : host
        let http: HTTPServer
        if ip.contains(":") {
            http = HTTPServer(address: try sockaddr_in6.inet6(ip6: ip, port: port), timeout: 600, pool: NoDelayPool(), logger: .disabled,
                              handler: Handler(emulator: self))
        } else {
            http = HTTPServer(address: try sockaddr_in.inet(ip4: ip, port: port), timeout: 600, pool: NoDelayPool(), logger: .disabled,
                              handler: Handler(emulator: self))
        }
        let task = Task { try await http.run() }
        do {
            try await http.waitUntilListening(timeout: 5)
        } catch {
            task.cancel()
            if case .failure(let runError) = await task.result { throw runError }
            throw error
        }
        guard let address = await http.listeningAddress else {
            await http.stop()
            throw EmulatorError.notListening
        }
        let boundPort: UInt16
        switch address {
        case .ip4(_, let p), .ip6(_, let p): boundPort = p
        case .unix: boundPort = port
        }
        let hostPart = ip.contains(":") ? "[\(ip)]" : ip
        let origin = "http://\(hostPart):\(boundPort)"
        await core.setOrigin(origin)
        server.set(http: http, task: task, origin: origin)
        return URL(string: origin + Self.apiPrefix)!
    }

    /// Stops listening and closes connections.
    public func stop() async {
        guard let (http, task) = server.take() else { return }
        await http.stop(timeout: 0.5)
        task.cancel()
    }

    /// `http://HOST:PORT/api/shared/v1` once started (port 0 before).
    public var baseURL: URL { URL(string: server.origin + Self.apiPrefix)! }
    /// `http://HOST:PORT` once started.
    public var origin: URL { URL(string: server.origin)! }

    // MARK: journal

    public func journal() async -> [JournalEntry] { await core.journal() }
    public func resetJournal() async { await core.resetJournal() }

    // MARK: faults

    /// The next `count` requests matching `method` (nil: any) and `path` (API-relative, e.g. `/profile/status`,
    /// or `*`) answer with `fault`. Faults are consumed first-armed first.
    public func injectFault(_ fault: Fault, method: String? = nil, path: String, count: Int = 1) async {
        await core.addFault(FaultRule(fault: fault, method: method, path: path, count: count))
    }

    public func clearFaults() async { await core.clearFaults() }

    // MARK: state

    /// Replaces the live status (nil deletes it). `expiresAt` must be RFC 3339 with an offset or `Z`.
    public func setStatus(_ s: SeedStatus?) async throws {
        if let e = s?.expiresAt, WireTime.parse(e) == nil { throw EmulatorError.invalidTimestamp(e) }
        await core.setStatus(s.map(EmulatorCore.stored(from:)))
    }

    /// The status GET would return now (lingering expired ones included), `expiresAt` in canonical UTC form.
    public func currentStatus() async -> SeedStatus? { await core.currentStatus() }

    public func avatarBytes() async -> [UInt8]? { await core.avatarBytes() }
    public func avatarURL() async -> String? { await core.avatarURL() }

    /// Seeds a live avatar as if uploaded with this file name (nil bytes delete it).
    public func setAvatar(bytes: [UInt8]?, fileName: String = "avatar.png") async {
        await core.setAvatar(bytes: bytes, fileName: fileName)
    }

    /// Sets a token's scopes, creating the token when it is unknown.
    public func setTokenScopes(token: String, scopes: [String]) async {
        await core.setTokenScopes(token: token, scopes: scopes)
    }

    /// Revokes a token: it answers 401 from now on.
    public func revokeToken(_ token: String) async { await core.removeToken(token) }

    // MARK: time

    public func advanceClock(by seconds: TimeInterval) { clock.advance(by: seconds) }
    public func setNow(_ date: Date) { clock.set(date) }
    public func now() -> Date { clock.now() }
}

public enum EmulatorError: Error, CustomStringConvertible {
    case notListening
    case invalidTimestamp(String)

    public var description: String {
        switch self {
        case .notListening: "the emulator did not start listening"
        case .invalidTimestamp(let t): "not an RFC 3339 timestamp with offset: \(t)"
        }
    }
}

/// The running server, guarded by a lock so `baseURL` can be read synchronously.
private final class ServerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var http: HTTPServer?
    private var task: Task<Void, any Error>?
    private var _origin = "http://127.0.0.1:0"

    func set(http: HTTPServer, task: Task<Void, any Error>, origin: String) {
        lock.withLock {
            self.http = http
            self.task = task
            self._origin = origin
        }
    }

    func take() -> (HTTPServer, Task<Void, any Error>)? {
        lock.withLock {
            guard let http, let task else { return nil }
            self.http = nil
            self.task = nil
            return (http, task)
        }
    }

    var origin: String { lock.withLock { _origin } }
}

/// Closes the connection without a response: FlyingFox asks a WebSocket handler for its frames
/// before writing any byte, so throwing there drops the socket silently.
private struct DropConnection: WSHandler {
    struct Dropped: Error {}
    func makeFrames(for client: AsyncThrowingStream<WSFrame, any Error>) async throws -> AsyncStream<WSFrame> {
        throw Dropped()
    }
}

private struct Handler: HTTPHandler {
    let emulator: Emulator

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = request.path
        let reply: Reply
        if path.hasPrefix(Emulator.controlPrefix) {
            reply = await Control(emulator: emulator).handle(request)
        } else if path == Emulator.apiPrefix || path.hasPrefix(Emulator.apiPrefix + "/") {
            reply = await api(request)
        } else if path.hasPrefix("/uploads/") {
            reply = await asset(request)
        } else {
            reply = ErrorItem.apiError(404, [ErrorItem(key: "path", value: path, message: "Not found", code: "not_found")])
        }
        return response(reply)
    }

    private func response(_ reply: Reply) -> HTTPResponse {
        if reply.drop { return HTTPResponse(headers: [:], webSocket: DropConnection()) }
        var headers = HTTPHeaders()
        headers[.date] = WireTime.httpDate(emulator.clock.now())
        for (k, v) in reply.headers { headers[HTTPHeader(k)] = v }
        let status = HTTPStatusCode(reply.status, phrase: Self.phrase(reply.status))
        if let stream = reply.stream {
            return HTTPResponse(statusCode: status, headers: headers, body: stream.sequence)
        }
        return HTTPResponse(statusCode: status, headers: headers, body: reply.body)
    }

    static func phrase(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(code)"
        }
    }

    private static func rawQuery(_ request: HTTPRequest) -> String {
        request.target.query(percentEncoded: true)
    }

    private func api(_ request: HTTPRequest) async -> Reply {
        let arrived = emulator.clock.now()
        let method = request.method.rawValue.uppercased()
        var apiPath = String(request.path.dropFirst(Emulator.apiPrefix.count))
        if apiPath.isEmpty { apiPath = "/" }
        if apiPath.count > 1, apiPath.hasSuffix("/") { apiPath.removeLast() }
        let body = (try? await request.bodyData).map { [UInt8]($0) } ?? []
        let contentType = request.headers[.contentType]

        var entry = JournalEntry(time: arrived, method: method, path: request.path, apiPath: apiPath,
                                 query: Self.rawQuery(request), status: 0,
                                 hadAuthorization: request.headers[.authorization] != nil)
        entry.requestBodyLength = body.count
        if contentType?.lowercased().hasPrefix("application/json") == true || (method == "PUT" && apiPath == "/profile/status") {
            entry.requestBody = String(decoding: body.prefix(16_384), as: UTF8.self)
        }

        let latency = await emulator.core.latencyMilliseconds
        if latency > 0 { try? await Task.sleep(nanoseconds: UInt64(latency) * 1_000_000) }

        let fault = await emulator.core.takeFault(method: method, apiPath: apiPath)
        entry.fault = fault?.label
        var reply = await Self.reply(for: fault)
        if reply == nil {
            var query: [String: String] = [:]
            for item in request.query { query[item.name] = item.value }
            reply = await emulator.core.handle(EmulatorCore.Request(
                method: method, apiPath: apiPath, query: query,
                authorization: request.headers[.authorization], contentType: contentType, body: body))
            // The request was handled (a write landed); only the answer is lost or garbled.
            if fault == .dropAfterHandling { reply = Reply(status: 0, drop: true) }
            if fault == .wrongShapeAfterHandling {
                reply = Reply(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")],
                              body: Data(#"{"data":["not","the","expected","shape"]}"#.utf8))
            }
        }
        reply = await emulator.core.hostile(reply!, authorization: request.headers[.authorization])
        entry.status = reply!.drop ? 0 : reply!.status
        entry.uploadedFileName = reply!.uploadedFileName
        await emulator.core.record(entry)
        return reply!
    }

    /// What an armed fault answers; nil when the request then proceeds (no fault, or added latency).
    /// API and storage paths share it: storage can fail the same ways.
    static func reply(for fault: Fault?) async -> Reply? {
        switch fault {
        case nil:
            return nil
        case .latency(let ms):
            try? await Task.sleep(nanoseconds: UInt64(max(0, ms)) * 1_000_000)
            return nil
        case .dropAfterHandling, .wrongShapeAfterHandling:
            return nil
        case .drop:
            return Reply(status: 0, drop: true)
        case .rateLimited(let retryAfter):
            return rateLimited(String(retryAfter))
        case .rateLimitedText(let retryAfter):
            return rateLimited(retryAfter)
        case .status(let code):
            return faultReply(code)
        case .hang:
            // Until the client goes away (the connection task is cancelled) or ten minutes pass.
            try? await Task.sleep(nanoseconds: 600_000_000_000)
            return Reply(status: 0, drop: true)
        case .trickle(let ms):
            return Reply(status: 200, headers: [("Content-Type", "application/json")], stream: .trickle(ms: ms, total: 1_000_000))
        case .hugeBody(let bytes):
            return Reply(status: 200, headers: [("Content-Type", "application/json")], stream: .filler(total: bytes))
        case .endlessChunks:
            return Reply(status: 200, headers: [("Content-Type", "application/json")], stream: .filler(total: nil))
        case .gzipBomb:
            return Reply(status: 200, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
                         stream: .gzipBomb)
        }
    }

    static func rateLimited(_ retryAfter: String) -> Reply {
        ErrorItem.apiError(429, [ErrorItem(key: "rate_limit", value: nil,
            message: "Rate limit exceeded, retry after \(retryAfter) s", code: "rate_limit")],
            headers: [("Retry-After", retryAfter)])
    }

    /// 500 looks like the API's own error; 502/503/504 look like a proxy's HTML page, as in production.
    static func faultReply(_ code: Int) -> Reply {
        if code == 500 || !(500...599).contains(code) {
            return ErrorItem.apiError(code, [ErrorItem(key: "server", value: nil,
                message: "Internal server error (injected fault)", code: "unhandled")])
        }
        let text = "<html><head><title>\(code) \(phrase(code))</title></head><body><center><h1>\(code) \(phrase(code))</h1></center><hr><center>nginx</center></body></html>\n"
        return Reply(status: code, headers: [("Content-Type", "text/html")], body: Data(text.utf8))
    }

    private func asset(_ request: HTTPRequest) async -> Reply {
        let method = request.method.rawValue.uppercased()
        var reply: Reply
        // A fault armed on the image's full path (`/uploads/…`) applies here.
        let fault = await emulator.core.takeFault(method: method, apiPath: request.path)
        if let faulted = await Self.reply(for: fault) {
            reply = faulted
        } else if method != "GET" && method != "HEAD" {
            reply = Reply(status: 405, headers: [("Allow", "GET, HEAD")])
        } else if let a = await emulator.core.asset(path: request.path) {
            reply = Reply(status: 200, headers: [("Content-Type", a.kind?.mimeType ?? "application/octet-stream"),
                                                 ("Cache-Control", "public, max-age=31536000")],
                          body: Data(a.bytes))
            if method == "HEAD" {
                reply.headers.append(("Content-Length", String(a.bytes.count)))
                reply.body = Data()
            }
        } else {
            reply = Reply(status: 404, headers: [("Content-Type", "application/xml")],
                          body: Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code></Error>".utf8))
        }
        await emulator.core.record(JournalEntry(time: emulator.clock.now(), method: method, path: request.path, apiPath: nil,
                                                query: Self.rawQuery(request), status: reply.drop ? 0 : reply.status,
                                                hadAuthorization: request.headers[.authorization] != nil,
                                                fault: fault?.label))
        return reply
    }
}

/// Sets TCP_NODELAY on every socket the pool sees (the listener; accepted sockets inherit it).
/// FlyingFox writes a response's head and body separately; without this the body waits for
/// the client's delayed ACK (~40 ms per request on a reused connection), which production
/// servers (nginx: tcp_nodelay on) do not do.
struct NoDelayPool: AsyncSocketPool {
    let inner: any AsyncSocketPool = HTTPServer.defaultPool()
    func prepare() async throws { try await inner.prepare() }
    func run() async throws { try await inner.run() }
    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        var one: Int32 = 1
        _ = setsockopt(socket.file.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        try await inner.suspendSocket(socket, untilReadyFor: events)
    }
}
