import Support

/// Everything the client needs; the CLI builds it from flags and environment (docs/configuration.md).
public struct ClientConfiguration: Sendable {
    public static let defaultBaseURL = URL(string: "https://api.pachca.com/api/shared/v1")!

    public var baseURL: URL
    public var token: APIToken?
    /// Seconds per request attempt (fractions count: 0.5 is 500 ms).
    public var timeout: Double
    public var retry: RetryPolicy
    /// Receives one line per attempt (`GET /profile → 200 (attempt 1, 34 ms, connection reused)`);
    /// never the token, headers or bodies.
    public var trace: (@Sendable (String) -> Void)?
    /// Receives `retrying GET /profile in 2.0 s (503)…` before each wait (the CLI shows it
    /// only on a terminal).
    public var retryNotice: (@Sendable (String) -> Void)?
    public var userAgent: String
    /// CA bundle file and folder for TLS verification (verification itself is always on);
    /// nil keeps libcurl's system default.
    public var caBundle: String?
    public var caDirectory: String?
    /// Requests per second this run may make with the token (docs/configuration.md `--rate`, default 45 < the API's 50).
    public var rate: Double = RequestScheduler.defaultRate
    /// Requests outstanding at once (docs/teams.md).
    public var maxInFlight: Int = RequestScheduler.defaultMaxInFlight
    /// The run's one redaction sink: the client scrubs server bodies with it, and the writers
    /// of files (saved plans, state records, exports) take it from here. The CLI hands in the
    /// one it registered every token candidate with; by default it knows this token.
    public var redactor: SecretRedactor

    public init(
        baseURL: URL = ClientConfiguration.defaultBaseURL,
        token: APIToken?,
        timeout: Double = 30,
        retry: RetryPolicy = .standard,
        trace: (@Sendable (String) -> Void)? = nil,
        userAgent: String = "pachca-profile",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.baseURL = baseURL
        self.token = token
        self.redactor = SecretRedactor()
        if let token { redactor.register(token) }
        self.timeout = timeout
        self.retry = retry
        self.trace = trace
        self.userAgent = userAgent
        // As the curl tool reads them (libcurl itself does not look at the environment for CAs).
        self.caBundle = [environment["CURL_CA_BUNDLE"], environment["SSL_CERT_FILE"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        self.caDirectory = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
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
