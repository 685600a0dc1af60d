import Synchronization

/// How the API requests of a client ended, counted per attempt (a retried call counts each
/// try): for `watch`'s metrics. Image downloads from another host are not API requests.
public final class RequestCounts: Sendable {
    /// One attempt's result: its status class, a 429 on its own, or no HTTP answer.
    public enum Result: String, Sendable, CaseIterable {
        case success = "2xx", redirect = "3xx", clientError = "4xx", rateLimited = "429"
        case serverError = "5xx", transportError = "transport_error"

        init(status: Int) {
            switch status {
            case 429: self = .rateLimited
            case 200..<300: self = .success
            case 300..<400: self = .redirect
            case 500..<600: self = .serverError
            default: self = .clientError
            }
        }
    }

    private let counts = Mutex<[Result: Int]>([:])

    public init() {}

    func record(_ result: Result) { counts.withLock { $0[result, default: 0] += 1 } }

    /// Every result with its count so far (zero included), in a fixed order.
    public var snapshot: [(result: Result, count: Int)] {
        let now = counts.withLock { $0 }
        return Result.allCases.map { ($0, now[$0] ?? 0) }
    }
}
