import Foundation
import TestTeardown
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import PachcaEmulator

/// One HTTP exchange as seen on the wire.
struct Wire: Sendable {
    var status: Int
    var headers: [String: String]  // lower-cased names
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed with JSONSerialization (not with the emulator's own types).
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    var object: [String: Any] { (json as? [String: Any]) ?? [:] }
    var data: [String: Any] { (object["data"] as? [String: Any]) ?? [:] }
    /// The `errors` array of an ApiError body.
    var errors: [[String: Any]] { (object["errors"] as? [[String: Any]]) ?? [] }
}

let demoToken = EmulatorConfiguration.demoToken

/// A started emulator on 127.0.0.1, port 0; suites with `.awaitsTeardown` stop it after each test.
func startEmulator(_ config: EmulatorConfiguration = .init(), clock: EmulatorClock = .manual()) async throws -> Emulator {
    setenv("NO_PROXY", "127.0.0.1,localhost", 1)
    let e = Emulator(configuration: config, clock: clock)
    try await e.start()
    await TeardownRegistry.register { await e.stop() }
    return e
}

private let session: URLSession = {
    let c = URLSessionConfiguration.ephemeral
    c.connectionProxyDictionary = [:]
    c.timeoutIntervalForRequest = 10
    return URLSession(configuration: c)
}()

/// Sends a request with URLSession: an independent client, not the tool's libcurl engine.
func send(_ method: String, _ url: URL, token: String? = demoToken, body: Data? = nil,
          contentType: String? = "application/json") async throws -> Wire {
    var r = URLRequest(url: url)
    r.httpMethod = method
    if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let body {
        r.httpBody = body
        if let contentType { r.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    }
    let (data, response) = try await session.data(for: r)
    let http = response as! HTTPURLResponse
    var headers: [String: String] = [:]
    for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
    return Wire(status: http.statusCode, headers: headers, body: data)
}

func api(_ e: Emulator, _ path: String) -> URL { URL(string: e.baseURL.absoluteString + path)! }

func putStatus(_ e: Emulator, _ status: [String: Any], token: String? = demoToken) async throws -> Wire {
    try await send("PUT", api(e, "/profile/status"), token: token,
                   body: try JSONSerialization.data(withJSONObject: ["status": status]))
}

/// Runs curl (binary-safe multipart and raw connection behaviour); returns exit code, headers and body.
/// The wait happens on a Dispatch thread: blocking the few cooperative threads would starve the server.
func curl(_ args: [String]) async throws -> (exit: Int32, wire: Wire) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emu-curl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let headerFile = dir.appendingPathComponent("h"), bodyFile = dir.appendingPathComponent("b")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["curl", "-s", "--noproxy", "*", "-H", "Expect:", "-D", headerFile.path, "-o", bodyFile.path] + args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    // Wait through the termination handler: never block a cooperative thread.
    let exit: Int32 = try await withCheckedThrowingContinuation { cont in
        p.terminationHandler = { cont.resume(returning: $0.terminationStatus) }
        do { try p.run() } catch {
            p.terminationHandler = nil
            cont.resume(throwing: error)
        }
    }
    var status = 0
    var headers: [String: String] = [:]
    if let h = try? String(contentsOf: headerFile, encoding: .utf8) {
        for line in h.components(separatedBy: "\r\n") {
            if line.hasPrefix("HTTP/") { status = Int(line.split(separator: " ")[1]) ?? 0; continue }
            if let c = line.firstIndex(of: ":") {
                headers[line[..<c].lowercased()] = line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)
            }
        }
    }
    let body = (try? Data(contentsOf: bodyFile)) ?? Data()
    return (exit, Wire(status: status, headers: headers, body: body))
}

var curlAvailable: Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") || FileManager.default.isExecutableFile(atPath: "/bin/curl")
}

/// Bytes that start like a PNG and then contain everything a naive multipart parser trips on.
func pngLikeBytes(size: Int, seed: UInt8 = 7) -> [UInt8] {
    var b: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    b += Array("\r\n--\r\n\r\n--boundary\r\n".utf8)
    var x = UInt32(seed) &* 2_654_435_761
    while b.count < size {
        x = x &* 1_664_525 &+ 1_013_904_223
        b.append(UInt8(truncatingIfNeeded: x >> 24))
    }
    return b
}

func writeTemp(_ bytes: [UInt8], name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emu-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

/// The ValidationErrorCode enum of the spec (reference/pachca-openapi.en.yaml), for checking `code`.
let specValidationCodes: Set<String> = [
    "blank", "too_long", "invalid", "inclusion", "exclusion", "taken", "wrong_emoji", "not_found", "already_exists",
    "personal_chat", "displayed_error", "not_authorized", "invalid_date_range", "invalid_webhook_url", "rate_limit",
    "licenses_limit", "user_limit", "unique_limit", "general_limit", "unhandled", "trigger_not_found", "trigger_expired",
    "required", "in", "not_applicable", "self_update", "owner_protected", "already_assigned", "forbidden",
    "permission_denied", "access_denied", "wrong_params", "payment_required", "min_length", "max_length",
    "use_of_system_words", "export_file_not_found", "cannot_kick_owner", "pin_failed", "message_deleted", "thread_message",
]

func iso(_ d: Date) -> String { WireTime.format(d) }

/// A key-sorted JSON text, to compare two parsed wire values.
func canon(_ value: Any) -> String {
    let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "<not JSON>"
}

/// Runs blocking work (a pipe read) outside Swift's cooperative pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { cont in
        DispatchQueue.global().async {
            do { cont.resume(returning: try work()) } catch { cont.resume(throwing: error) }
        }
    }
}
