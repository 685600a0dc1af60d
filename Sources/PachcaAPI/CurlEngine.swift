import CCurl
import Support
import Synchronization

/// One HTTP exchange as libcurl should make it. Built by the client; never logged (it holds
/// the Authorization header).
struct CurlRequest: Sendable {
    var method: String
    var url: String
    /// `Name: value` lines.
    var headers: [String] = []
    /// Copied into libcurl (`CURLOPT_COPYPOSTFIELDS`), which rewinds it itself whenever it
    /// resends the request on a fresh connection: every resend carries the whole body.
    var body: Data?
    /// Total time for the attempt (connect, proxy, TLS, request, response), at least 1 ms.
    var timeoutMS: Int
    /// Response body bound, counted after content decoding (a gzip bomb stops here too).
    var maxResponseBytes: Int
    /// Loopback URLs never go through a proxy (the token would reach it in clear).
    var bypassProxy: Bool
    var userAgent: String
    /// `CURL_CA_BUNDLE`/`SSL_CERT_FILE` and `SSL_CERT_DIR`, as the curl tool reads them.
    var caBundle: String?
    var caDirectory: String?
}

/// A complete HTTP response (any status).
struct CurlResponse: Sendable {
    var status: Int
    /// Header lines of the final response, names as sent.
    var headers: [(name: String, value: String)]
    var body: Data
    /// False when this attempt had to open a new connection.
    var reusedConnection: Bool

    func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Why an attempt produced no HTTP response, straight from libcurl.
struct CurlError: Error, Sendable {
    var code: Int32
    /// `errno` of the failed socket call, 0 when none.
    var osErrno: Int32
    /// libcurl's own sentence (`CURLOPT_ERRORBUFFER`), may be empty.
    var detail: String
    /// True when the response body passed `limit` (`maxResponseBytes`).
    var tooLarge: Bool
    var limit: Int
    /// True when no request had been sent yet (resolve, connect, proxy tunnel, TLS).
    var beforeRequest: Bool
    var reusedConnection: Bool
}

/// The one transfer engine: a `curl_multi` handle driven by one dedicated thread. Async
/// callers hand it a transfer and suspend; the thread wakes them when it completes. A
/// cancelled caller's transfer is removed from the multi handle at once, and the caller
/// resumes with `CancellationError`. Connections (keep-alive, HTTP/2 multiplexing) are
/// shared by every transfer of the process.
final class CurlEngine: @unchecked Sendable {
    /// The process's engine, started on first use; a failure when libcurl cannot be loaded.
    static let shared: Result<CurlEngine, PachcaAPIError> = LibCurl.api.map(CurlEngine.init)

    private let curl: UnsafePointer<ccurl_api>
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    /// Easy handle → transfer, for transfers in the multi handle. Engine thread only.
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]

    private struct Inbox {
        var added: [Transfer] = []
        var cancelled: [Transfer] = []
    }

    private init(_ curl: UnsafePointer<ccurl_api>) {
        self.curl = curl
        multi = ccurl_multi_init(curl)
        _ = ccurl_multi_set_long(curl, multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8)
        // The idle-connection cache defaults to 4 × the transfers in flight: with one call at a
        // time that is 4, too few once several hosts (API, image storage, tests' servers) mix.
        _ = ccurl_multi_set_long(curl, multi, CURLMOPT_MAXCONNECTS, 32)
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let engine = Unmanaged<CurlEngine>.fromOpaque(context!).takeRetainedValue()
            engine.loop()
            return nil
        }, box)
        precondition(created == 0, "cannot start the network thread")
        pthread_detach(thread)
    }

    /// Runs one transfer; throws `CurlError` when no HTTP response came, or
    /// `CancellationError` when the calling task was cancelled.
    func perform(_ request: CurlRequest) async throws -> CurlResponse {
        let transfer = Transfer(request, curl: curl)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let alreadyCancelled = inbox.withLock { inbox -> Bool in
                    if transfer.cancelRequested { return true }
                    transfer.continuation = continuation
                    inbox.added.append(transfer)
                    return false
                }
                if alreadyCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    ccurl_multi_wakeup(curl, multi)
                }
            }
        } onCancel: {
            let queued = inbox.withLock { inbox -> Bool in
                transfer.cancelRequested = true
                guard transfer.continuation != nil else { return false }
                inbox.cancelled.append(transfer)
                return true
            }
            if queued { ccurl_multi_wakeup(curl, multi) }
        }
    }

    private func loop() {
        var stillRunning: Int32 = 0
        while true {
            let (added, cancelled) = inbox.withLock { inbox in
                defer { inbox.added = []; inbox.cancelled = [] }
                return (inbox.added, inbox.cancelled)
            }
            for transfer in added {
                running[transfer.easy] = transfer
                ccurl_multi_add(curl, multi, transfer.easy)
            }
            for transfer in cancelled {
                if running.removeValue(forKey: transfer.easy) != nil {
                    ccurl_multi_remove(curl, multi, transfer.easy)
                    transfer.release()
                }
                finish(transfer, .failure(CancellationError()))
            }

            ccurl_multi_perform(curl, multi, &stillRunning)
            var left: Int32 = 0
            while let message = ccurl_multi_info_read(curl, multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = running.removeValue(forKey: easy) else { continue }
                let code = ccurl_message_result(message)
                let outcome = transfer.outcome(code)
                ccurl_multi_remove(curl, multi, easy)
                transfer.release()
                finish(transfer, outcome)
            }
            // Sleeps until a socket is ready, a timer of libcurl's is due, or a wakeup.
            ccurl_multi_poll(curl, multi, 1000)
        }
    }

    private func finish(_ transfer: Transfer, _ outcome: Result<CurlResponse, any Error>) {
        let continuation = inbox.withLock { _ in
            defer { transfer.continuation = nil }
            return transfer.continuation
        }
        continuation?.resume(with: outcome)
    }
}

/// libcurl, opened with dlopen on first use (see Sources/CCurl/shim.h for why not linked).
enum LibCurl {
    nonisolated(unsafe) static let api: Result<UnsafePointer<ccurl_api>, PachcaAPIError> = {
        let table = UnsafeMutablePointer<ccurl_api>.allocate(capacity: 1)
        table.initialize(to: ccurl_api())
        if let failure = ccurl_load(table) {
            return .failure(.libcurlUnavailable(String(cString: failure)))
        }
        // Once, before any other thread uses libcurl.
        _ = ccurl_global_init(table, Int(CURL_GLOBAL_DEFAULT))
        return .success(UnsafePointer(table))
    }()

    /// libcurl's own name for a result code.
    static func name(of code: CURLcode) -> String {
        guard case .success(let curl) = api, let text = ccurl_strerror(curl, code) else { return "error \(code.rawValue)" }
        return String(cString: text)
    }
}

/// One easy handle and the buffers its callbacks fill (on the engine thread).
private final class Transfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private let curl: UnsafePointer<ccurl_api>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private let maxResponseBytes: Int
    private var body = Data()
    private var headers: [(name: String, value: String)] = []
    private var headerBytes = 0
    private var tooLarge = false
    private var headersTooLarge = false
    // Guarded by the engine's inbox lock.
    var continuation: CheckedContinuation<CurlResponse, any Error>?
    var cancelRequested = false

    /// Response headers beyond this are refused (a header flood is as hostile as a big body).
    static let maxHeaderBytes = 64 * 1024

    init(_ request: CurlRequest, curl: UnsafePointer<ccurl_api>) {
        guard let easy = ccurl_easy_init(curl) else { fatalError("curl_easy_init failed") }
        self.easy = easy
        self.curl = curl
        self.maxResponseBytes = request.maxResponseBytes
        errorBuffer.initialize(to: 0)
        let context = Unmanaged.passUnretained(self).toOpaque()

        _ = ccurl_set_string(curl, easy, CURLOPT_URL, request.url)
        _ = ccurl_set_string(curl, easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_set_string(curl, easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = ccurl_set_long(curl, easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_set_long(curl, easy, CURLOPT_NOSIGNAL, 1)
        let timeoutMS = max(1, request.timeoutMS)
        _ = ccurl_set_long(curl, easy, CURLOPT_TIMEOUT_MS, timeoutMS)
        _ = ccurl_set_long(curl, easy, CURLOPT_CONNECTTIMEOUT_MS, timeoutMS)
        // A stalled transfer (under 1 byte/s for the attempt's length) is cut like a slow one;
        // the total timeout above is the bound, whatever the server trickles.
        _ = ccurl_set_long(curl, easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = ccurl_set_long(curl, easy, CURLOPT_LOW_SPEED_TIME, max(1, (timeoutMS + 999) / 1000))
        _ = ccurl_set_off(curl, easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes))
        _ = ccurl_set_string(curl, easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = ccurl_set_string(curl, easy, CURLOPT_USERAGENT, request.userAgent)
        _ = ccurl_set_long(curl, easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = ccurl_set_long(curl, easy, CURLOPT_SSL_VERIFYHOST, 2)
        // Over TLS, wait for ALPN to offer HTTP/2 multiplexing before opening a second
        // connection; plain http has no HTTP/2 here, so concurrent calls open their own.
        if request.url.hasPrefix("https:") { _ = ccurl_set_long(curl, easy, CURLOPT_PIPEWAIT, 1) }
        if request.bypassProxy { _ = ccurl_set_string(curl, easy, CURLOPT_NOPROXY, "*") }
        if let caBundle = request.caBundle { _ = ccurl_set_string(curl, easy, CURLOPT_CAINFO, caBundle) }
        if let caDirectory = request.caDirectory { _ = ccurl_set_string(curl, easy, CURLOPT_CAPATH, caDirectory) }
        _ = ccurl_set_pointer(curl, easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_set_data_fn(curl, easy, CURLOPT_WRITEFUNCTION, Transfer.onBody)
        _ = ccurl_set_pointer(curl, easy, CURLOPT_WRITEDATA, context)
        _ = ccurl_set_data_fn(curl, easy, CURLOPT_HEADERFUNCTION, Transfer.onHeader)
        _ = ccurl_set_pointer(curl, easy, CURLOPT_HEADERDATA, context)

        if request.method == "GET" {
            _ = ccurl_set_long(curl, easy, CURLOPT_HTTPGET, 1)
        } else {
            _ = ccurl_set_string(curl, easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body {
            _ = ccurl_set_off(curl, easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { raw in
                _ = ccurl_set_pointer(curl, easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
        }
        // An empty `Expect:` keeps libcurl from waiting for `100 Continue` before a body.
        for line in request.headers + ["Expect:"] {
            headerList = ccurl_slist_append(curl, headerList, line)
        }
        _ = ccurl_set_slist(curl, easy, CURLOPT_HTTPHEADER, headerList)
        // These headers (Authorization among them) go to the server only, never in a proxy's CONNECT.
        _ = ccurl_set_long(curl, easy, CURLOPT_HEADEROPT, Int(CURLHEADER_SEPARATE))
    }

    private var released = false

    /// Frees the easy handle on the engine thread, right after it left the multi handle, so
    /// libcurl never sees it from two threads.
    func release() {
        guard !released else { return }
        released = true
        ccurl_easy_cleanup(curl, easy)
        ccurl_slist_free_all(curl, headerList)
    }

    deinit {
        release()  // a transfer cancelled before the engine ever took it
        errorBuffer.deallocate()
    }

    func outcome(_ code: CURLcode) -> Result<CurlResponse, any Error> {
        var connects = 0
        _ = ccurl_get_long(curl, easy, CURLINFO_NUM_CONNECTS, &connects)
        let reused = connects == 0
        if code == CURLE_OK {
            var status = 0
            _ = ccurl_get_long(curl, easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(CurlResponse(status: status, headers: headers, body: body, reusedConnection: reused))
        }
        var osErrno = 0
        _ = ccurl_get_long(curl, easy, CURLINFO_OS_ERRNO, &osErrno)
        var pretransfer: curl_off_t = 0
        _ = ccurl_get_off(curl, easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        let detail = String(cString: errorBuffer)
        return .failure(CurlError(
            code: Int32(code.rawValue), osErrno: Int32(osErrno), detail: detail,
            tooLarge: tooLarge || code == CURLE_FILESIZE_EXCEEDED, limit: maxResponseBytes, beforeRequest: pretransfer == 0 && !headersTooLarge,
            reusedConnection: reused))
    }

    /// Appends decoded body bytes; returning less than given makes libcurl stop (CURLE_WRITE_ERROR).
    private static let onBody: ccurl_data_fn = { buffer, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard transfer.body.count + length <= transfer.maxResponseBytes else {
            transfer.tooLarge = true
            return 0
        }
        if let buffer { transfer.body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length) }
        return length
    }

    /// One header line; a status line starts a new header block (a proxy's `CONNECT` answer
    /// or a `100 Continue` comes before the real response).
    private static let onHeader: ccurl_data_fn = { buffer, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        transfer.headerBytes += length
        guard transfer.headerBytes <= Transfer.maxHeaderBytes, let buffer else {
            transfer.headersTooLarge = true
            transfer.tooLarge = true
            return 0
        }
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            transfer.headers = []
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).trimmingWhitespace()
            let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
            transfer.headers.append((name, value))
        }
        return length
    }
}
