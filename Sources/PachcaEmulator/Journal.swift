import Foundation

/// One request the emulator served (API calls, rejected ones included, and image fetches;
/// control calls under `/__emulator/` are not journaled).
public struct JournalEntry: Sendable, Equatable {
    /// Emulator-clock time the request arrived.
    public var time: Date
    public var method: String
    /// The full path as received, without the query (`/api/shared/v1/profile`, `/uploads/1/me.png`).
    public var path: String
    /// The path relative to the API base (`/profile`); nil for requests outside the API (image fetches).
    public var apiPath: String?
    /// The raw query string, "" when none.
    public var query: String
    /// The HTTP status answered; 0 when the connection was dropped without a response.
    public var status: Int
    public var hadAuthorization: Bool
    /// The injected fault that shaped this answer, if any (`status 503`, `drop`, `rate_limited 2`, `latency 50ms`).
    public var fault: String?
    /// A JSON request body as received (UTF-8, first 16 KiB), so tests can check what a client sent.
    public var requestBody: String?
    /// For avatar uploads: the file name of the `image` part.
    public var uploadedFileName: String?
    /// Bytes of request body received (any content type), so tests can see a resend carried it whole.
    public var requestBodyLength: Int = 0

    public init(time: Date, method: String, path: String, apiPath: String?, query: String, status: Int,
                hadAuthorization: Bool, fault: String? = nil, requestBody: String? = nil, uploadedFileName: String? = nil) {
        self.time = time
        self.method = method
        self.path = path
        self.apiPath = apiPath
        self.query = query
        self.status = status
        self.hadAuthorization = hadAuthorization
        self.fault = fault
        self.requestBody = requestBody
        self.uploadedFileName = uploadedFileName
    }

    var json: JSON {
        .object([
            ("time", .string(WireTime.format(time))),
            ("method", .string(method)),
            ("path", .string(path)),
            ("api_path", .optional(apiPath)),
            ("query", .string(query)),
            ("status", .int(status)),
            ("had_authorization", .bool(hadAuthorization)),
            ("fault", .optional(fault)),
            ("request_body", .optional(requestBody)),
            ("uploaded_file_name", .optional(uploadedFileName)),
            ("request_body_length", .int(requestBodyLength)),
        ])
    }

    /// One JSON object on one line (the `--journal FILE` format and `GET /__emulator/journal` items).
    public func jsonLine() -> String { json.serialized() }
}
