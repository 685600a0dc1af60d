import Foundation

/// Everything the client needs; the CLI builds it from flags and environment (SPEC §3).
public struct ClientConfiguration: Sendable {
    public static let defaultBaseURL = URL(string: "https://api.pachca.com/api/shared/v1")!

    public var baseURL: URL
    public var token: APIToken?
    /// Seconds per request attempt.
    public var timeout: Double
    public var retry: RetryPolicy
    /// Receives one line per attempt (`GET /profile → 200 (attempt 1, 34 ms)`); never the
    /// token, headers or bodies.
    public var trace: (@Sendable (String) -> Void)?
    public var userAgent: String

    public init(
        baseURL: URL = ClientConfiguration.defaultBaseURL,
        token: APIToken?,
        timeout: Double = 30,
        retry: RetryPolicy = .standard,
        trace: (@Sendable (String) -> Void)? = nil,
        userAgent: String = "pachca-profile"
    ) {
        self.baseURL = baseURL
        self.token = token
        self.timeout = timeout
        self.retry = retry
        self.trace = trace
        self.userAgent = userAgent
    }

    /// True for `localhost`, 127.0.0.0/8 and `::1`.
    public static func isLoopback(host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h == "0:0:0:0:0:0:0:1" {
            return true
        }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            guard let n = Int(part), !part.isEmpty, part.allSatisfy(\.isNumber) else { return false }
            return (0...255).contains(n)
        }
    }
}
