import Support

/// What went wrong below HTTP, in words: which host (and proxy) and libcurl's cause.
public struct TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The host (or the proxy's) name did not resolve.
        case dns
        /// Refused, unreachable, or the proxy would not open a tunnel.
        case connect
        /// TLS handshake or certificate verification failed.
        case tls
        case timedOut
        /// The connection closed or reset before the whole response arrived.
        case dropped
        /// The response body passed the bound (counted after decompression).
        case tooLarge
        /// Not HTTP, or a content encoding that does not decode.
        case badResponse
        case other
    }

    public var kind: Kind
    /// The cause in words: `connection refused`, `timed out after 500 ms`.
    public var cause: String
    /// `api.pachca.com:443`.
    public var host: String
    /// `proxy.corp:3128` when the attempt went through a proxy.
    public var proxy: String?
    /// True when it failed before the request was sent (resolve, connect, tunnel, TLS).
    public var beforeRequest: Bool

    public init(kind: Kind, cause: String, host: String, proxy: String? = nil, beforeRequest: Bool = false) {
        self.kind = kind
        self.cause = cause
        self.host = host
        self.proxy = proxy
        self.beforeRequest = beforeRequest
    }

    /// Timeouts, refused and dropped connections and DNS hiccups are worth another try
    /// (every call made is idempotent); a certificate, a bound or a garbled reply are not.
    var isRetryable: Bool {
        switch kind {
        case .dns, .connect, .timedOut, .dropped: return true
        case .tls: return beforeRequest && !cause.containsScalars("certificate")
        case .tooLarge, .badResponse, .other: return false
        }
    }

    var via: String { proxy.map { " through proxy \($0)" } ?? "" }

    /// `cannot connect to api.pachca.com:443 through proxy proxy.corp:3128: connection refused`
    /// or `api.pachca.com:443: timed out after 500 ms`.
    public var description: String {
        if beforeRequest { return "cannot connect to \(host)\(via): \(cause)" }
        return "\(host)\(via): \(cause)"
    }
}

/// Every failure the client reports. Descriptions are lowercase human messages and never
/// contain the token (bodies quoted from the server are scrubbed of it, too).
public enum PachcaAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The API URL is not usable (`reason` says why).
    case invalidURL(String, reason: String)
    /// `http://` to a host that is not loopback: the token would travel in clear.
    case insecureURL(String)
    case missingToken
    /// libcurl (loaded at run time) is not installed or not usable; dlopen's reason.
    case libcurlUnavailable(String)
    /// 401. The body, when it had the `OAuthError` shape.
    case unauthorized(WireOAuthError?)
    /// 403. `missingScope` comes from the error text, else from the endpoint's known scope.
    case forbidden(WireOAuthError?, missingScope: String?)
    /// Another 4xx with the `ApiError` shape.
    case apiError(status: Int, WireApiError, method: String, path: String)
    /// A status the client did not expect, with the start of the body.
    case unexpectedStatus(Int, bodySnippet: String, method: String, path: String)
    /// A 3xx: redirects are never followed (the token stays with the API host).
    case redirect(status: Int, location: String?, method: String, path: String)
    /// No HTTP response at all (after any retries); `elapsed` seconds since the first attempt.
    case transport(TransportFailure, method: String, path: String, attempts: Int, elapsed: Double)
    /// A wait longer than the overall deadline leaves: a 429's `Retry-After` (or one that
    /// cannot be read), or the run's own `--rate` pacing. The request was not sent again.
    case rateLimitDeadline(retryAfter: Double, remaining: Double, method: String, path: String,
                           cause: WaitCause = .retryAfter)
    /// Retryable failures (5xx) persisted past the retry budget or the deadline.
    case gaveUp(attempts: Int, elapsed: Double, last: String, method: String, path: String)
    /// A 2xx body that does not have the expected shape.
    case decoding(method: String, path: String, String)

    /// The person a 404 is about, when the refused path was one person's (`/users/{id}…`):
    /// deleted since, or never in this workspace — not a missing API (the caller should not
    /// suggest checking the API URL for these).
    public var missingPersonID: Int? {
        let status: Int, path: String
        switch self {
        case .apiError(let s, _, _, let p), .unexpectedStatus(let s, _, _, let p): (status, path) = (s, p)
        default: return nil
        }
        guard status == 404 else { return nil }
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        guard parts.count >= 2, parts[0] == "users", let id = Int(parts[1]), id > 0 else { return nil }
        return id
    }

    /// 401, 403 or no token: the CLI exits 3 for these.
    public var isAuthFailure: Bool {
        switch self {
        case .missingToken, .unauthorized, .forbidden: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid API URL '\(url)': \(reason)"
        case .insecureURL(let url):
            return "refusing plain http:// API URL '\(url)': the token would travel in clear"
                + " (use https://, or http:// only to a loopback host)"
        case .missingToken:
            return "no API token: set PACHCA_TOKEN, or pass --token-file or --token"
        case .libcurlUnavailable(let reason):
            return "cannot load libcurl, which talks to the API (\(reason)); install it"
                + " (Debian/Ubuntu: apt-get install libcurl4)"
        case .unauthorized(let body):
            return "the API rejected the token (401\(Self.detail(body)))"
        case .forbidden(let body, let scope):
            if let scope {
                return "the token lacks the scope '\(scope)' (403\(Self.detail(body)))"
            }
            return "the token is not allowed to do this (403\(Self.detail(body)))"
        case .apiError(_, _, let method, let path) where missingPersonID != nil,
             .unexpectedStatus(_, _, let method, let path) where missingPersonID != nil:
            return "person \(missingPersonID!) not found: \(method) \(path) answered 404"
                + " (deleted or no longer in this workspace?)"
        case .apiError(let status, let error, let method, let path):
            let items = error.errors.map { item -> String in
                let message = item.message ?? item.code ?? "invalid"
                if let key = item.key, !key.isEmpty { return "\(key): \(message)" }
                return message
            }
            let text = items.isEmpty ? "" : ": " + items.joined(separator: "; ")
            return "\(method) \(path): the API refused the request (\(status))\(text)"
        case .unexpectedStatus(let status, let snippet, let method, let path):
            let tail = snippet.isEmpty ? "" : ": \(snippet)"
            return "\(method) \(path): unexpected HTTP status \(status)\(tail)"
        case .redirect(let status, let location, let method, let path):
            let target = location.map { " to \($0)" } ?? ""
            return "\(method) \(path): the server answered a redirect (\(status))\(target);"
                + " redirects are not followed (check the API URL)"
        case .transport(let failure, let method, let path, let attempts, let elapsed):
            let took = elapsed < 1 ? "\(Int((max(0, elapsed) * 1000).rounded())) ms" : Self.seconds(elapsed)
            let tally = "(after \(attempts) attempt\(attempts == 1 ? "" : "s"), \(took))"
            if failure.beforeRequest { return "\(failure) \(tally)" }
            return "\(method) \(path) to \(failure) \(tally)"
        case .rateLimitDeadline(let retryAfter, let remaining, let method, let path, let cause):
            let left = "only \(Self.seconds(max(0, remaining))) remain before the deadline, giving up now"
            switch cause {
            case .retryAfter:
                return "\(method) \(path): rate limited (429); the next try is due in \(Self.seconds(retryAfter)) but \(left)"
            case .unreadableRetryAfter:
                return "\(method) \(path): rate limited (429) with a Retry-After that is neither seconds nor a date;"
                    + " giving up now rather than retry sooner than the server asks"
            case .pacing:
                return "\(method) \(path): --rate allows this request in \(Self.seconds(retryAfter)) but \(left)"
                    + " (raise --rate or --deadline)"
            }
        case .gaveUp(let attempts, let elapsed, let last, let method, let path):
            return "\(method) \(path): giving up after \(attempts) attempts, \(Self.seconds(elapsed)) (last: \(last))"
        case .decoding(let method, let path, let detail):
            return "\(method) \(path): unexpected response body: \(detail)"
        }
    }

    private static func detail(_ body: WireOAuthError?) -> String {
        guard let body else { return "" }
        if let text = body.errorDescription, !text.isEmpty { return " \(body.error): \(text)" }
        return " \(body.error)"
    }

    /// Why a call stopped waiting (see `rateLimitDeadline`).
    public enum WaitCause: Sendable, Equatable {
        case retryAfter, unreadableRetryAfter, pacing
    }

    /// `2 s`, `0.5 s`, `6.1 s` (one decimal unless whole); beyond a billion seconds, `more than 1000000000 s`.
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "∞ s" }
        guard value < 1_000_000_000 else { return "more than 1000000000 s" }
        let tenths = Int((max(0, value) * 10).rounded())
        if tenths % 10 == 0 { return "\(tenths / 10) s" }
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
