import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one client for the Pachca API: every command makes its calls through it. It owns one
/// URLSession (keep-alive reuse, several connections per host), the bearer token, the retry
/// policy of SPEC §6 and the shared 429 pause.
public final class PachcaClient: Sendable {
    public let configuration: ClientConfiguration
    /// The base URL as a string without a trailing slash; paths are appended to it.
    let base: String
    let origin: Origin
    let session: URLSession
    let gate = RateLimitGate()

    /// Throws `insecureURL` for `http://` to a non-loopback host and `invalidURL` for
    /// anything that is not an absolute http(s) URL — before any connection is made.
    public init(_ configuration: ClientConfiguration) throws {
        let url = configuration.baseURL
        let shown = url.absoluteString
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw PachcaAPIError.invalidURL(shown, reason: "expected an https:// URL")
        }
        guard let host = url.host, !host.isEmpty else {
            throw PachcaAPIError.invalidURL(shown, reason: "no host")
        }
        if scheme == "http", !ClientConfiguration.isLoopback(host: host) {
            throw PachcaAPIError.insecureURL(shown)
        }
        var trimmed = shown
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.base = trimmed
        self.origin = Origin(scheme: scheme, host: host.lowercased(), port: url.port)
        var configuration = configuration
        // Linux URLSession truncates a fractional timeout to whole seconds (0.5 → fires at
        // once), so round up instead.
        configuration.timeout = max(1, configuration.timeout.rounded(.up))
        self.configuration = configuration

        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpMaximumConnectionsPerHost = 6
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.urlCache = nil
        sessionConfiguration.httpShouldSetCookies = false
        sessionConfiguration.httpCookieAcceptPolicy = .never
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout
        sessionConfiguration.httpAdditionalHeaders = ["User-Agent": configuration.userAgent]
        self.session = URLSession(
            configuration: sessionConfiguration, delegate: RedirectGuard(apiOrigin: origin),
            delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    // MARK: - Endpoints

    /// `GET /profile` (or `/users/{id}`).
    public func profile(_ subject: APISubject) async throws -> WireUser {
        let path = subject.profilePath
        let (data, _) = try await call("GET", path, scope: subject.profileReadScope)
        return try decodeData(WireUser.self, data, "GET", path)
    }

    /// `GET …/status`. A bare `null` body (no status set) and `{"data":null}` give nil.
    public func status(_ subject: APISubject) async throws -> WireUserStatus? {
        let path = subject.statusPath
        let (data, _) = try await call("GET", path, scope: subject.statusReadScope)
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text == "null" { return nil }
        return try decode(OptionalDataEnvelope<WireUserStatus>.self, data, "GET", path).data
    }

    /// `PUT …/status` with the whole status (it replaces). Returns the status as stored.
    public func putStatus(_ subject: APISubject, _ update: WireStatusUpdate) async throws -> WireUserStatus {
        let path = subject.statusPath
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(update)
        let (data, _) = try await call(
            "PUT", path, body: body, contentType: "application/json", scope: subject.statusWriteScope)
        return try decodeData(WireUserStatus.self, data, "PUT", path)
    }

    /// `DELETE …/status`.
    public func deleteStatus(_ subject: APISubject) async throws {
        _ = try await call("DELETE", subject.statusPath, scope: subject.statusWriteScope)
    }

    /// `PUT …/avatar` as `multipart/form-data` with the file in the field `image`.
    /// Returns the `image_url` the server answered.
    public func putAvatar(_ subject: APISubject, image: Data, fileName: String, mimeType: String)
        async throws -> String
    {
        let path = subject.avatarPath
        let form = MultipartFormData(field: "image", fileName: fileName, mimeType: mimeType, content: image)
        let (data, _) = try await call(
            "PUT", path, body: form.body, contentType: form.contentType, scope: subject.avatarWriteScope)
        return try decodeData(WireAvatarData.self, data, "PUT", path).imageURL
    }

    /// `DELETE …/avatar`.
    public func deleteAvatar(_ subject: APISubject) async throws {
        _ = try await call("DELETE", subject.avatarPath, scope: subject.avatarWriteScope)
    }

    /// `GET /oauth/token/info`, with the server's `Date` header (for clock skew).
    public func tokenInfo() async throws -> (info: WireTokenInfo, serverDate: Date?) {
        let path = "/oauth/token/info"
        let (data, response) = try await call("GET", path, scope: nil)
        let info = try decodeData(WireTokenInfo.self, data, "GET", path)
        let date = response.value(forHTTPHeaderField: "Date").flatMap(HTTPDate.parse)
        return (info, date)
    }

    /// `GET /custom_properties?entity_type=…` (needs `custom_properties:read`).
    public func customProperties(entityType: String = "User") async throws -> [WireCustomPropertyDefinition] {
        let escaped = entityType.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? entityType
        let path = "/custom_properties?entity_type=\(escaped)"
        let (data, _) = try await call("GET", path, scope: "custom_properties:read")
        return try decodeData([WireCustomPropertyDefinition].self, data, "GET", path)
    }

    /// Downloads an `image_url`. Never sends the token (it goes only to the API host), stops
    /// reading past `maxBytes`, and retries like any other call.
    public func fetchPublicImage(_ url: URL, maxBytes: Int) async throws -> Data {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil
        else {
            throw PachcaAPIError.invalidURL(url.absoluteString, reason: "not an http(s) image URL")
        }
        // Shown without its query: a signed URL's query is a credential of its own.
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.fragment = nil
        let shown = components?.string ?? "image"
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.timeoutInterval = configuration.timeout
        request.setValue(configuration.userAgent, forHTTPHeaderField: "User-Agent")
        let timeout = configuration.timeout
        let prepared = request
        let (data, _) = try await withRetries(method: "GET", path: shown, scope: nil, isAPI: false) {
            try await CappedDownload.run(prepared, maxBytes: maxBytes, timeout: timeout)
        }
        return data
    }

    // MARK: - Requests

    /// One API call with auth, retries and error mapping. Returns only 2xx responses.
    func call(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil,
              scope: String?) async throws -> (Data, HTTPURLResponse)
    {
        guard let token = configuration.token, !token.isEmpty else { throw PachcaAPIError.missingToken }
        guard let url = URL(string: base + path) else {
            throw PachcaAPIError.invalidURL(base + path, reason: "cannot form the request URL")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = configuration.timeout
        request.setValue("Bearer \(token.raw.trimmingCharacters(in: .whitespacesAndNewlines))",
                         forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let session = self.session
        let prepared = request
        return try await withRetries(method: method, path: path, scope: scope, isAPI: true) {
            if let body {
                let (data, response) = try await session.upload(for: prepared, from: body)
                return (data, try Self.http(response))
            }
            let (data, response) = try await session.data(for: prepared)
            return (data, try Self.http(response))
        }
    }

    static func http(_ response: URLResponse) throws -> HTTPURLResponse {
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        return http
    }

    /// The retry loop of SPEC §6 around `attempt`.
    func withRetries(
        method: String, path: String, scope: String?, isAPI: Bool,
        attempt send: @Sendable () async throws -> (Data, HTTPURLResponse)
    ) async throws -> (Data, HTTPURLResponse) {
        let policy = configuration.retry
        let deadline = policy.now() + policy.overallDeadline
        var attempts = 0
        var transientRetries = 0

        while true {
            try await waitForRateLimitPause(policy: policy, deadline: deadline, method: method, path: path)
            attempts += 1
            let started = policy.now()
            let outcome: Result<(Data, HTTPURLResponse), TransportFailure>
            do {
                outcome = .success(try await send())
            } catch let error as PachcaAPIError {
                throw error
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                outcome = .failure(Self.transportFailure(error))
            }
            let elapsedMS = Int(((policy.now() - started) * 1000).rounded())

            switch outcome {
            case .failure(let failure):
                trace("\(method) \(path) → \(failure) (attempt \(attempts), \(elapsedMS) ms)")
                guard failure.isRetryable, transientRetries < policy.maxTransientRetries else {
                    throw PachcaAPIError.transport(failure, method: method, path: path, attempts: attempts)
                }
                transientRetries += 1
                let delay = policy.backoff(retry: transientRetries)
                guard policy.now() + delay < deadline else {
                    throw PachcaAPIError.transport(failure, method: method, path: path, attempts: attempts)
                }
                try await policy.sleep(delay)

            case .success(let (data, response)):
                let status = response.statusCode
                trace("\(method) \(path) → \(status) (attempt \(attempts), \(elapsedMS) ms)")
                switch status {
                case 200..<300:
                    return (data, response)
                case 429:
                    let wait = Self.retryAfter(response) ?? 1
                    let remaining = deadline - policy.now()
                    if wait > remaining {
                        throw PachcaAPIError.rateLimitDeadline(
                            retryAfter: wait, remaining: remaining, method: method, path: path)
                    }
                    await gate.pause(until: policy.now() + wait)
                case 500..<600:
                    let last = "HTTP \(status)"
                    guard transientRetries < policy.maxTransientRetries else {
                        throw PachcaAPIError.gaveUp(attempts: attempts, last: last, method: method, path: path)
                    }
                    transientRetries += 1
                    // A 503 may say how long to stay away; never come back sooner.
                    let delay = max(policy.backoff(retry: transientRetries), Self.retryAfter(response) ?? 0)
                    guard policy.now() + delay < deadline else {
                        throw PachcaAPIError.gaveUp(attempts: attempts, last: last, method: method, path: path)
                    }
                    try await policy.sleep(delay)
                default:
                    throw mapFailure(status: status, data: data, method: method, path: path,
                                     scope: scope, isAPI: isAPI)
                }
            }
        }
    }

    /// Holds a call back while a 429 pause is in force. Fails at once when the pause would
    /// outlast this call's deadline.
    private func waitForRateLimitPause(policy: RetryPolicy, deadline: Double, method: String,
                                       path: String) async throws {
        while true {
            let resumeAt = await gate.resumeAt
            let now = policy.now()
            guard resumeAt > now else { return }
            if resumeAt > deadline {
                throw PachcaAPIError.rateLimitDeadline(
                    retryAfter: resumeAt - now, remaining: deadline - now, method: method, path: path)
            }
            try await policy.sleep(resumeAt - now)
        }
    }

    private func trace(_ line: String) {
        configuration.trace?(line)
    }

    func mapFailure(status: Int, data: Data, method: String, path: String, scope: String?,
                    isAPI: Bool) -> PachcaAPIError
    {
        let body = scrub(data)
        let decoder = JSONDecoder()
        guard isAPI else {
            return .unexpectedStatus(status, bodySnippet: "", method: method, path: path)
        }
        switch status {
        case 401:
            return .unauthorized(try? decoder.decode(WireOAuthError.self, from: body))
        case 403:
            var oauth = try? decoder.decode(WireOAuthError.self, from: body)
            if oauth == nil, let api = try? decoder.decode(WireApiError.self, from: body) {
                let text = api.errors.compactMap { $0.message }.joined(separator: "; ")
                oauth = WireOAuthError(error: api.errors.first?.code ?? "forbidden", errorDescription: text)
            }
            let named = oauth.flatMap { Self.scopeName(in: ($0.errorDescription ?? "") + " " + $0.error) }
            return .forbidden(oauth, missingScope: named ?? scope)
        default:
            if let api = try? decoder.decode(WireApiError.self, from: body) {
                return .apiError(status: status, api, method: method, path: path)
            }
            return .unexpectedStatus(status, bodySnippet: Self.snippet(body), method: method, path: path)
        }
    }

    /// Replaces any echo of the token in a server body, before anything reads it.
    func scrub(_ data: Data) -> Data {
        guard let raw = configuration.token?.raw, !raw.isEmpty,
            let text = String(data: data, encoding: .utf8), text.contains(raw)
        else { return data }
        return Data(text.replacingOccurrences(of: raw, with: "<redacted>").utf8)
    }

    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(300), as: UTF8.self)
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine
    }

    /// A scope named in an error text, such as `profile_status:write`.
    static func scopeName(in text: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz_:")
        let words = text.lowercased().split(whereSeparator: { !allowed.contains($0) })
        return words.lazy.map(String.init).first { word in
            let halves = word.split(separator: ":", omittingEmptySubsequences: false)
            return halves.count == 2 && !halves[0].isEmpty && !halves[1].isEmpty
        }
    }

    /// `Retry-After` as seconds (delta-seconds or an HTTP-date); nil when absent or unreadable.
    static func retryAfter(_ response: HTTPURLResponse) -> Double? {
        guard let value = response.value(forHTTPHeaderField: "Retry-After")?
            .trimmingCharacters(in: .whitespaces), !value.isEmpty
        else { return nil }
        if let seconds = Double(value), seconds.isFinite { return max(0, seconds) }
        if let date = HTTPDate.parse(value) { return max(0, date.timeIntervalSinceNow) }
        return nil
    }

    static func transportFailure(_ error: any Error) -> TransportFailure {
        if let error = error as? CappedDownload.TooLarge { return .tooLarge(limit: error.limit) }
        if let error = error as? URLError { return TransportFailure(urlErrorCode: error.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSURLErrorDomain { return TransportFailure(urlErrorCode: ns.code) }
        return .other(code: ns.code)
    }

    // MARK: - Decoding

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ method: String, _ path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw PachcaAPIError.decoding(method: method, path: path, Self.describe(error))
        }
    }

    private func decodeData<T: Decodable>(_ type: T.Type, _ data: Data, _ method: String, _ path: String) throws -> T {
        try decode(DataEnvelope<T>.self, data, method, path).data
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing '\(Self.path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at '\(Self.path(context.codingPath))'"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at '\(Self.path(context.codingPath))'"
        default:
            return "cannot decode"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// `{"data": …}`, the API's response wrapper.
struct DataEnvelope<T: Decodable>: Decodable {
    var data: T
}

struct OptionalDataEnvelope<T: Decodable>: Decodable {
    var data: T?
    enum CodingKeys: String, CodingKey { case data }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.data) else {
            throw DecodingError.keyNotFound(
                CodingKeys.data, .init(codingPath: [], debugDescription: "no data"))
        }
        data = try c.decodeIfPresent(T.self, forKey: .data)
    }
}

/// Scheme, host and port of the API; the token is sent to this origin only.
struct Origin: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int?

    init(scheme: String, host: String, port: Int?) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? (scheme == "https" ? 443 : 80)
    }

    init?(_ url: URL?) {
        guard let url, let scheme = url.scheme?.lowercased(), let host = url.host else { return nil }
        self.init(scheme: scheme, host: host.lowercased(), port: url.port)
    }
}

/// Strips the `Authorization` header from a redirect that leaves the API origin, so the
/// token is never handed to another host.
final class RedirectGuard: NSObject, URLSessionTaskDelegate, Sendable {
    let apiOrigin: Origin
    init(apiOrigin: Origin) { self.apiOrigin = apiOrigin }

    func urlSession(_ session: URLSession, task: URLSessionTask,
                    willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest,
                    completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        var next = request
        if Origin(request.url) != apiOrigin {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }
}

/// HTTP-date (RFC 9110 IMF-fixdate), as in `Date` and `Retry-After`.
enum HTTPDate {
    static func parse(_ value: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }
}
