import Support
import Timekeeping

/// The one client for the Pachca API: every command makes its calls through it. Transfers go
/// through libcurl (`CurlEngine`: keep-alive reuse, HTTP/2 when offered); the client owns the
/// bearer token, the retry policy and the shared 429 pause.
public final class PachcaClient: Sendable {
    public let configuration: ClientConfiguration
    /// The base URL as a string without a trailing slash, scheme in lower case; paths are appended to it.
    let base: String
    let endpoint: Endpoint
    let gate = RateLimitGate()
    let engine: CurlEngine
    /// Paces every API request of the run (`--rate`, at most 8 in flight, 429 pauses all).
    public let scheduler: RequestScheduler
    /// Every API request attempt by result (`watch` exports them as metrics).
    public let requestCounts = RequestCounts()

    /// API response bodies are bounded: no answer of the profile endpoints comes near this.
    public static let maxResponseBytes = 4 * 1024 * 1024

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
        guard configuration.timeout.isFinite, configuration.timeout > 0 else {
            throw PachcaAPIError.invalidURL(shown, reason: "the timeout must be a positive number of seconds")
        }
        var trimmed = scheme + shown.dropFirst(scheme.count)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.base = trimmed
        self.endpoint = Endpoint(scheme: scheme, host: host, port: url.port)
        self.configuration = configuration
        self.engine = try CurlEngine.shared.get()
        self.scheduler = RequestScheduler(rate: configuration.rate, maxInFlight: configuration.maxInFlight,
                                          now: configuration.retry.now, sleep: configuration.retry.sleep)
    }

    // MARK: - Endpoints

    /// `GET /profile` (or `/users/{id}`).
    public func profile(_ subject: Subject) async throws -> WireUser {
        let path = subject.profilePath
        let response = try await call("GET", path, scope: ScopeCatalogue.profileRead(subject))
        return try decodeData(WireUser.self, response.body, "GET", path)
    }

    /// `GET …/status`. A bare `null` body (no status set) and `{"data":null}` give nil.
    public func status(_ subject: Subject) async throws -> WireUserStatus? {
        let path = subject.statusPath
        let data = try await call("GET", path, scope: ScopeCatalogue.statusRead(subject)).body
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        if text.isEmpty || text == "null" { return nil }
        return try decode(OptionalDataEnvelope<WireUserStatus>.self, data, "GET", path).data
    }

    /// `PUT …/status` with the whole status (it replaces). Returns the status as stored.
    public func putStatus(_ subject: Subject, _ update: WireStatusUpdate) async throws -> WireUserStatus {
        let path = subject.statusPath
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(update)
        let response = try await call(
            "PUT", path, body: body, contentType: "application/json", scope: ScopeCatalogue.statusWrite(subject))
        return try decodeData(WireUserStatus.self, response.body, "PUT", path)
    }

    /// `DELETE …/status`.
    public func deleteStatus(_ subject: Subject) async throws {
        _ = try await call("DELETE", subject.statusPath, scope: ScopeCatalogue.statusWrite(subject))
    }

    /// `PUT …/avatar` as `multipart/form-data` with the file in the field `image`.
    /// Returns the `image_url` the server answered.
    public func putAvatar(_ subject: Subject, image: Data, fileName: String, mimeType: String)
        async throws -> String
    {
        let path = subject.avatarPath
        let form = MultipartFormData(field: "image", fileName: fileName, mimeType: mimeType, content: image)
        let response = try await call(
            "PUT", path, body: form.body, contentType: form.contentType, scope: ScopeCatalogue.avatarWrite(subject))
        return try decodeData(WireAvatarData.self, response.body, "PUT", path).imageURL
    }

    /// `DELETE …/avatar`.
    public func deleteAvatar(_ subject: Subject) async throws {
        _ = try await call("DELETE", subject.avatarPath, scope: ScopeCatalogue.avatarWrite(subject))
    }

    /// `GET /oauth/token/info`, with the server's `Date` header (for clock skew).
    public func tokenInfo() async throws -> (info: WireTokenInfo, serverDate: Date?) {
        let path = "/oauth/token/info"
        let response = try await call("GET", path, scope: nil)
        let info = try decodeData(WireTokenInfo.self, response.body, "GET", path)
        return (info, response.header("Date").flatMap(HTTPDate.parse))
    }

    /// `GET /custom_properties?entity_type=…` (needs `custom_properties:read`).
    public func customProperties(entityType: String = "User") async throws -> [WireCustomPropertyDefinition] {
        let escaped = String(entityType.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic })
        let path = "/custom_properties?entity_type=\(escaped)"
        let response = try await call("GET", path, scope: "custom_properties:read")
        return try decodeData([WireCustomPropertyDefinition].self, response.body, "GET", path)
    }

    /// Downloads an `image_url`. Never sends the token (it goes only to the API host), stops
    /// reading at `maxBytes` (counted after decompression), and retries like any other call.
    public func fetchPublicImage(_ url: URL, maxBytes: Int) async throws -> Data {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else {
            throw PachcaAPIError.invalidURL(url.absoluteString, reason: "not an http(s) image URL")
        }
        // Shown without its query: a signed URL's query is a credential of its own.
        var shown = url.absoluteString
        if let cut = shown.firstIndex(where: { $0 == "?" || $0 == "#" }) { shown = String(shown[..<cut]) }
        let target = Endpoint(scheme: scheme, host: host, port: url.port)
        let address = url.absoluteString
        let response = try await withRetries(method: "GET", path: shown, scope: nil, isAPI: false, endpoint: target) {
            timeoutMS in
            CurlRequest(method: "GET", url: address, timeoutMS: timeoutMS, maxResponseBytes: maxBytes,
                        bypassProxy: target.isLoopback, userAgent: self.configuration.userAgent,
                        caBundle: self.configuration.caBundle, caDirectory: self.configuration.caDirectory)
        }
        return response.body
    }

    // MARK: - Requests

    /// One API call with auth, retries and error mapping. Returns only 2xx responses.
    func call(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil,
              scope: String?) async throws -> CurlResponse
    {
        guard let token = configuration.token, !token.isEmpty else { throw PachcaAPIError.missingToken }
        var headers = [
            "Authorization: Bearer \(token.raw.trimmingWhitespace())",
            "Accept: application/json",
        ]
        if let contentType { headers.append("Content-Type: \(contentType)") }
        let lines = headers
        let url = base + path
        let endpoint = self.endpoint
        return try await withRetries(method: method, path: path, scope: scope, isAPI: true, endpoint: endpoint) {
            timeoutMS in
            CurlRequest(method: method, url: url, headers: lines, body: body, timeoutMS: timeoutMS,
                        maxResponseBytes: Self.maxResponseBytes, bypassProxy: endpoint.isLoopback,
                        userAgent: self.configuration.userAgent, caBundle: self.configuration.caBundle,
                        caDirectory: self.configuration.caDirectory)
        }
    }

    /// The retry loop around one request. Each attempt's timeout is the configured
    /// one or what is left of the deadline, whichever is shorter: the deadline holds inside
    /// attempts too.
    func withRetries(
        method: String, path: String, scope: String?, isAPI: Bool, endpoint: Endpoint,
        request: @Sendable (_ timeoutMS: Int) -> CurlRequest
    ) async throws -> CurlResponse {
        let policy = configuration.retry
        let started = policy.now()
        let deadline = started + policy.overallDeadline
        var attempts = 0
        var transientRetries = 0
        var rateLimitRetries = 0
        func elapsed() -> Double { policy.now() - started }

        while true {
            try await waitForRateLimitPause(policy: policy, deadline: deadline, method: method, path: path)
            attempts += 1
            let attemptStarted = policy.now()
            let budget = min(configuration.timeout, deadline - attemptStarted)
            let timeoutMS = SafeDuration.milliseconds(budget)
            let outcome: Result<CurlResponse, TransportFailure>
            do {
                // API calls share the token's budget; image downloads go to another host.
                if isAPI {
                    do { try await scheduler.acquire(deadline: deadline) } catch let late as RequestScheduler.PastDeadline {
                        throw PachcaAPIError.rateLimitDeadline(retryAfter: late.wait, remaining: late.remaining,
                                                               method: method, path: path,
                                                               cause: late.paused ? .retryAfter : .pacing)
                    }
                }
                do {
                    outcome = .success(try await engine.perform(request(timeoutMS)))
                    if isAPI { await scheduler.release() }
                } catch {
                    if isAPI { await scheduler.release() }
                    throw error
                }
            } catch let error as CurlError {
                outcome = .failure(Self.failure(error, endpoint: endpoint, timeoutMS: timeoutMS))
            }
            let elapsedMS = SafeDuration.milliseconds(policy.now() - attemptStarted, floor: 0)

            switch outcome {
            case .failure(let failure):
                if isAPI { requestCounts.record(.transportError) }
                trace("\(method) \(path) → \(failure.cause) (attempt \(attempts), \(elapsedMS) ms)")
                guard failure.isRetryable, transientRetries < policy.maxTransientRetries else {
                    throw PachcaAPIError.transport(failure, method: method, path: path, attempts: attempts, elapsed: elapsed())
                }
                transientRetries += 1
                let delay = policy.backoff(retry: transientRetries)
                guard policy.now() + delay < deadline else {
                    throw PachcaAPIError.transport(failure, method: method, path: path, attempts: attempts, elapsed: elapsed())
                }
                notice(method, path, delay, failure.cause)
                try await policy.sleep(delay)

            case .success(let response):
                let status = response.status
                if isAPI { requestCounts.record(RequestCounts.Result(status: status)) }
                let connection = response.reusedConnection ? "connection reused" : "new connection"
                trace("\(method) \(path) → \(status) (attempt \(attempts), \(elapsedMS) ms, \(connection))")
                switch status {
                case 200..<300:
                    return response
                case 429:
                    // Never sooner than the server asks (1 s when it does not say), nor sooner than
                    // the backoff step: a `Retry-After` of 0 or negative must not become a busy loop.
                    rateLimitRetries += 1
                    let asked: Double?
                    switch Self.retryAfterHeader(response) {
                    case .absent: asked = nil
                    case .seconds(let seconds): asked = seconds
                    case .unreadable:
                        throw PachcaAPIError.rateLimitDeadline(retryAfter: .infinity, remaining: deadline - policy.now(),
                                                               method: method, path: path, cause: .unreadableRetryAfter)
                    }
                    let wait = max(asked ?? 1, policy.backoff(retry: rateLimitRetries))
                    let remaining = deadline - policy.now()
                    if wait >= remaining {
                        throw PachcaAPIError.rateLimitDeadline(
                            retryAfter: wait, remaining: remaining, method: method, path: path)
                    }
                    notice(method, path, wait, "429")
                    await gate.pause(until: policy.now() + wait)
                    await scheduler.pause(until: policy.now() + wait)
                case 500..<600:
                    let last = "HTTP \(status)"
                    guard transientRetries < policy.maxTransientRetries else {
                        throw PachcaAPIError.gaveUp(attempts: attempts, elapsed: elapsed(), last: last, method: method, path: path)
                    }
                    transientRetries += 1
                    // A 503 may say how long to stay away; never come back sooner.
                    let delay = max(policy.backoff(retry: transientRetries), Self.retryAfter(response) ?? 0)
                    guard policy.now() + delay < deadline else {
                        throw PachcaAPIError.gaveUp(attempts: attempts, elapsed: elapsed(), last: last, method: method, path: path)
                    }
                    notice(method, path, delay, String(status))
                    try await policy.sleep(delay)
                case 300..<400:
                    throw PachcaAPIError.redirect(status: status, location: Self.redirectTarget(response.header("Location")),
                                                  method: method, path: path)
                default:
                    throw mapFailure(status: status, data: response.body, method: method, path: path,
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

    /// `retrying GET /profile in 2.0 s (503)…`, for a person watching a terminal.
    private func notice(_ method: String, _ path: String, _ delay: Double, _ reason: String) {
        let tenths = min(Int((min(max(0, delay), 1e9) * 10).rounded()), 10_000_000_000)
        configuration.retryNotice?("retrying \(method) \(path) in \(tenths / 10).\(tenths % 10) s (\(reason))…")
    }

    /// The host (and port) a `Location` names, never its path or query (which may carry secrets).
    static func redirectTarget(_ location: String?) -> String? {
        guard let location, !location.isEmpty else { return nil }
        guard let url = URL(string: location), let host = url.host, !host.isEmpty else { return "another path on the same host" }
        return url.port.map { "\(host):\($0)" } ?? host
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

    /// Replaces any echo of the token (in any form the sink knows) in a server body, before
    /// anything reads it: the same sink as every output of the run.
    func scrub(_ data: Data) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        let redacted = configuration.redactor.redact(text, fragments: false)
        return redacted == text ? data : Data(redacted.utf8)
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
    static func retryAfter(_ response: CurlResponse) -> Double? {
        if case .seconds(let seconds) = retryAfterHeader(response) { return seconds }
        return nil
    }

    enum RetryAfter: Equatable {
        case absent
        /// Bounded to `QuantitySetting.retryAfter` (a billion seconds: past any deadline).
        case seconds(Double)
        /// Present but neither plain decimal seconds nor an HTTP-date (`1e19`, `0x10`, `inf`, `soon`).
        case unreadable
    }

    /// `Retry-After` through the tool's one number reader: plain decimal only, so `1e19` or
    /// `inf` is never a number that overflows a sleep; a date in the past is 0.
    static func retryAfterHeader(_ response: CurlResponse) -> RetryAfter {
        guard let value = response.header("Retry-After")?.trimmingWhitespace(), !value.isEmpty
        else { return .absent }
        if let seconds = DecimalNumber.parse(value) { return .seconds(QuantitySetting.retryAfter.clamped(seconds)) }
        if let date = HTTPDate.parse(value) { return .seconds(QuantitySetting.retryAfter.clamped(date.timeIntervalSinceNow)) }
        return .unreadable
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

/// HTTP-date (RFC 9110, `Sun, 06 Nov 1994 08:49:37 GMT`), as in `Date` and `Retry-After`:
/// parsed by the product's one timestamp implementation (Timekeeping), no locale machinery.
enum HTTPDate {
    static func parse(_ value: String) -> Date? { Timestamp.parseHTTPDate(value) }
}
