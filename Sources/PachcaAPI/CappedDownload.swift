import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A GET that stops reading once the body passes `maxBytes` (Linux URLSession has no
/// `bytes(for:)`). One short-lived session per download: image fetches are rare, and a
/// separate session cannot carry the API's headers by accident.
final class CappedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct TooLarge: Error { let limit: Int }

    private let lock = NSLock()
    private let maxBytes: Int
    private var received = Data()
    private var response: URLResponse?
    private var tooLarge = false
    private var continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>?

    private init(maxBytes: Int) { self.maxBytes = maxBytes }

    static func run(_ request: URLRequest, maxBytes: Int, timeout: Double) async throws -> (Data, HTTPURLResponse) {
        let download = CappedDownload(maxBytes: maxBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            download.lock.withLock { download.continuation = continuation }
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        let over = response.expectedContentLength > Int64(maxBytes)
        lock.withLock {
            self.response = response
            if over { tooLarge = true }
        }
        completionHandler(over ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over: Bool = lock.withLock {
            received.append(data)
            if received.count > maxBytes { tooLarge = true }
            return tooLarge
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result): (CheckedContinuation<(Data, HTTPURLResponse), any Error>?, Result<(Data, HTTPURLResponse), any Error>) = lock.withLock {
            let c = self.continuation
            self.continuation = nil
            if tooLarge { return (c, .failure(TooLarge(limit: maxBytes))) }
            if let error { return (c, .failure(error)) }
            guard let http = (response ?? task.response) as? HTTPURLResponse else {
                return (c, .failure(URLError(.badServerResponse)))
            }
            return (c, .success((received, http)))
        }
        continuation?.resume(with: result)
    }
}
