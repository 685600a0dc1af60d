import Foundation

/// What went wrong below HTTP, in our own words (URLSession on Linux prints only codes).
public enum TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case timedOut
    case cannotConnect
    case connectionLost
    case badResponse
    case tooLarge(limit: Int)
    case other(code: Int)

    /// Maps a URLSession error code (`URLError.Code.rawValue`).
    public init(urlErrorCode code: Int) {
        switch code {
        case -1001: self = .timedOut
        case -1003, -1004, -1006: self = .cannotConnect  // cannot find host, cannot connect, DNS
        case -1005, -1020: self = .connectionLost  // connection lost, not connected
        case -1011, -1017: self = .badResponse  // bad server response, cannot parse response
        default: self = .other(code: code)
        }
    }

    /// Timeouts, refused and dropped connections are worth another try; the rest are not.
    /// On Linux a connection closed before any reply surfaces as "bad response" (-1011,
    /// libcurl's empty reply), so that is retried too: every call made is idempotent.
    var isRetryable: Bool {
        switch self {
        case .timedOut, .cannotConnect, .connectionLost, .badResponse: return true
        case .tooLarge, .other: return false
        }
    }

    public var description: String {
        switch self {
        case .timedOut: return "request timed out"
        case .cannotConnect: return "cannot connect to the server"
        case .connectionLost: return "connection dropped before a response arrived"
        case .badResponse: return "the server closed the connection without a valid response"
        case .tooLarge(let limit): return "response larger than \(limit) bytes"
        case .other(let code): return "network error (code \(code))"
        }
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
    /// 401. The body, when it had the `OAuthError` shape.
    case unauthorized(WireOAuthError?)
    /// 403. `missingScope` comes from the error text, else from the endpoint's known scope.
    case forbidden(WireOAuthError?, missingScope: String?)
    /// Another 4xx with the `ApiError` shape.
    case apiError(status: Int, WireApiError, method: String, path: String)
    /// A status the client did not expect, with the start of the body.
    case unexpectedStatus(Int, bodySnippet: String, method: String, path: String)
    /// No HTTP response at all (after any retries).
    case transport(TransportFailure, method: String, path: String, attempts: Int)
    /// A 429 asked to wait longer than the overall deadline leaves.
    case rateLimitDeadline(retryAfter: Double, remaining: Double, method: String, path: String)
    /// Retryable failures (5xx, timeouts, drops) persisted past the retry budget.
    case gaveUp(attempts: Int, last: String, method: String, path: String)
    /// A 2xx body that does not have the expected shape.
    case decoding(method: String, path: String, String)

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
        case .unauthorized(let body):
            return "the API rejected the token (401\(Self.detail(body)))"
        case .forbidden(let body, let scope):
            if let scope {
                return "the token lacks the scope '\(scope)' (403\(Self.detail(body)))"
            }
            return "the token is not allowed to do this (403\(Self.detail(body)))"
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
        case .transport(let failure, let method, let path, let attempts):
            let tries = attempts > 1 ? " (after \(attempts) attempts)" : ""
            return "\(method) \(path): \(failure)\(tries)"
        case .rateLimitDeadline(let retryAfter, let remaining, let method, let path):
            return "\(method) \(path): rate limited; the API asks to wait \(Self.seconds(retryAfter))"
                + " but only \(Self.seconds(max(0, remaining))) remain before the deadline, giving up now"
        case .gaveUp(let attempts, let last, let method, let path):
            return "\(method) \(path): giving up after \(attempts) attempts (last: \(last))"
        case .decoding(let method, let path, let detail):
            return "\(method) \(path): unexpected response body: \(detail)"
        }
    }

    private static func detail(_ body: WireOAuthError?) -> String {
        guard let body else { return "" }
        if let text = body.errorDescription, !text.isEmpty { return " \(body.error): \(text)" }
        return " \(body.error)"
    }

    static func seconds(_ value: Double) -> String {
        if value == value.rounded() { return "\(Int(value)) s" }
        return String(format: "%.1f s", value)
    }
}
