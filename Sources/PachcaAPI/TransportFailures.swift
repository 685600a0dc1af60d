import CCurl
import Support

/// Scheme, host and port one call talks to, and the proxy libcurl will use for it.
struct Endpoint: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int
    /// `proxy.corp:3128`, as libcurl will pick it from the environment; nil for none.
    var proxy: String?

    init(scheme: String, host: String, port: Int?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port ?? (scheme == "https" ? 443 : 80)
        self.proxy = nil
        if !isLoopback { proxy = ProxyEnvironment.proxy(scheme: scheme, host: self.host, environment: environment) }
    }

    /// Loopback traffic never goes through a proxy (`CURLOPT_NOPROXY`): the token would
    /// reach the proxy in clear over plain http.
    var isLoopback: Bool { ClientConfiguration.isLoopback(host: host) }

    var hostPort: String { host.containsScalars(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The proxy variables as libcurl reads them, only to name the proxy in error messages
/// (libcurl itself does the routing): `http_proxy` (lower case only), `https_proxy`/`HTTPS_PROXY`,
/// then `all_proxy`/`ALL_PROXY`; `no_proxy`/`NO_PROXY` exempt hosts.
enum ProxyEnvironment {
    static func proxy(scheme: String, host: String, environment: [String: String]) -> String? {
        func value(_ names: [String]) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        if let exempt = value(["no_proxy", "NO_PROXY"]), matches(noProxy: exempt, host: host) { return nil }
        let candidates = scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
        guard let raw = value(candidates + ["all_proxy", "ALL_PROXY"]) else { return nil }
        var rest = Substring(raw)
        if let scheme = rest.firstScalarRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }  // no credentials in messages
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard !rest.isEmpty else { return nil }
        let hasPort = rest.last.map(\.isNumber) == true && rest.containsScalars(":") && !rest.hasSuffix("]")
        return hasPort ? String(rest) : "\(rest):1080"
    }

    /// `*`, or a comma-separated list of host names (matching the host or its subdomains).
    static func matches(noProxy list: String, host: String) -> Bool {
        for item in list.split(separator: ",") {
            var entry = item.trimmingWhitespace().lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }
}

extension PachcaClient {
    /// libcurl's result code in words, with the host and proxy it concerned.
    static func failure(_ error: CurlError, endpoint: Endpoint, timeoutMS: Int) -> TransportFailure {
        let code = CURLcode(rawValue: UInt32(error.code))
        let detail = error.detail.trimmingWhitespace()
        func make(_ kind: TransportFailure.Kind, _ cause: String, beforeRequest: Bool = false) -> TransportFailure {
            TransportFailure(kind: kind, cause: cause, host: endpoint.hostPort, proxy: endpoint.proxy,
                             beforeRequest: beforeRequest)
        }
        if error.tooLarge {
            return make(.tooLarge, "response larger than \(byteSize(error.limit)) (counted after decompression); stopped reading")
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return make(.dns, "cannot resolve the host name (DNS)", beforeRequest: true)
        case CURLE_COULDNT_RESOLVE_PROXY:
            return make(.dns, "cannot resolve the proxy's host name (DNS)", beforeRequest: true)
        case CURLE_COULDNT_CONNECT:
            return make(.connect, words(errno: error.osErrno) ?? "connection failed", beforeRequest: true)
        case CURLE_OPERATION_TIMEDOUT:
            return make(.timedOut, "timed out after \(timeoutMS) ms", beforeRequest: error.beforeRequest)
        case CURLE_SSL_CONNECT_ERROR:
            return make(.tls, "TLS handshake failed" + (detail.isEmpty ? "" : " (\(detail))"), beforeRequest: true)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return make(.tls, "TLS certificate not trusted" + (detail.isEmpty ? "" : " (\(detail))")
                        + "; a private CA goes in CURL_CA_BUNDLE or SSL_CERT_FILE", beforeRequest: true)
        case CURLE_GOT_NOTHING:
            return make(.dropped, "the server closed the connection without a response")
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            if detail.containsScalars("CONNECT") || (error.beforeRequest && endpoint.proxy != nil) {
                return make(.connect, "the proxy refused the tunnel" + (detail.isEmpty ? "" : " (\(detail))"),
                            beforeRequest: true)
            }
            return make(.dropped, words(errno: error.osErrno) ?? "the connection broke")
        case CURLE_PARTIAL_FILE:
            return make(.dropped, "the connection closed before the whole response arrived")
        case CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return make(.dropped, "HTTP/2 stream error" + (detail.isEmpty ? "" : " (\(detail))"))
        case CURLE_BAD_CONTENT_ENCODING:
            return make(.badResponse, "the response's content encoding does not decode")
        case CURLE_WEIRD_SERVER_REPLY:
            return make(.badResponse, "the server's reply is not HTTP")
        default:
            let text = LibCurl.name(of: code).lowercased()
            return make(.other, detail.isEmpty ? text : "\(text) (\(detail))")
        }
    }

    /// `4 MiB`, `100 bytes`.
    static func byteSize(_ count: Int) -> String {
        if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }

    /// `connection refused`, `connection reset by peer`, … from the socket's errno.
    static func words(errno code: Int32) -> String? {
        guard code != 0, let text = strerror(code) else { return nil }
        let sentence = String(cString: text)
        guard let first = sentence.first else { return nil }
        return first.lowercased() + sentence.dropFirst()
    }
}
