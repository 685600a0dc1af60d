import Foundation

/// Behaviours of a malicious or broken server, for the tool's hostile test suite.
/// Off by default. Names and titles holding control characters or YAML are set through the
/// seed (`user`, `status`, `customProperties`); `HostileBehaviour.yamlLookingUser` is one.
public struct HostileBehaviour: Sendable, Codable, Equatable {
    /// Every error reply (status ≥ 400) echoes the token the request presented, once in each
    /// of these encodings, inside its message (`error_description`, each `errors[].message`,
    /// or the text of a non-JSON body).
    public var echoToken: [TokenEcho]
    /// `GET /users` ignores the requested `limit` and answers pages of this many people
    /// (a lying server handing over the whole workspace in each answer).
    public var usersPageSize: Int?

    public init(echoToken: [TokenEcho] = [], usersPageSize: Int? = nil) {
        self.echoToken = echoToken
        self.usersPageSize = usersPageSize
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        echoToken = try c.decodeIfPresent([TokenEcho].self, forKey: .echoToken) ?? []
        usersPageSize = try c.decodeIfPresent(Int.self, forKey: .usersPageSize)
    }

    /// A profile whose names try to inject YAML, terminal escapes and workflow commands.
    public static let yamlLookingUser = SeedUser(
        firstName: "Ho\navatar: null\n#", lastName: "\u{1B}]0;pwned\u{7}\u{1B}[2K\r::warning::fake",
        nickname: "x: y\n  - z", email: "\u{202E}moc.elpmaxe@a")
}

/// How a server may write a token back. Each is text that can stand inside a JSON string.
public enum TokenEcho: String, Sendable, Codable, CaseIterable {
    /// As it is (JSON-escaped only where JSON must: `"` and `\`).
    case raw
    /// `/` as `\/`, as PHP and some JSON encoders write it.
    case jsonEscapedSlash = "json_escaped_slash"
    /// Every character as `\u00XX`.
    case jsonUnicode = "json_unicode"
    /// Every other character as `\u00XX` in upper-case hex (`\u0053ECRET…`).
    case jsonUnicodeMixed = "json_unicode_mixed"
    /// Escaped twice: the decoded message still reads `\u0053\u0045…`.
    case doubleEscaped = "double_escaped"
    /// Every byte as `%XX`.
    case percent
    /// Only reserved characters percent-encoded, lower-case hex (`a%2fb%2bc`).
    case percentReserved = "percent_reserved"
    /// HTML character references (`&#83;&#x45;…`).
    case htmlEntities = "html_entities"
    /// Masked as dashboards do: the first 8 characters, `...`, the last 4; and `abcd****`.
    case masked
    /// Base64 of the token (standard alphabet, padded), and of `Bearer <token>` URL-safe
    /// without padding (as a decoded `Authorization` header is logged).
    case base64
    case bearerBase64URL = "bearer_base64url"
    /// The token's UTF-8 bytes in hex, lower case.
    case hex

    /// The token written this way, ready to stand inside a JSON string literal.
    public func encode(_ token: String) -> String {
        let scalars = Array(token.unicodeScalars)
        func u(_ s: Unicode.Scalar, upper: Bool = false) -> String {
            let hex = String(s.value, radix: 16, uppercase: upper)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        func jsonRaw(_ s: Unicode.Scalar) -> String { s == "\"" ? "\\\"" : s == "\\" ? "\\\\" : String(s) }
        switch self {
        case .raw: return scalars.map(jsonRaw).joined()
        case .jsonEscapedSlash: return scalars.map { $0 == "/" ? "\\/" : jsonRaw($0) }.joined()
        case .jsonUnicode: return scalars.map { u($0) }.joined()
        case .jsonUnicodeMixed: return scalars.enumerated().map { $0.offset % 2 == 0 ? u($0.element, upper: true) : jsonRaw($0.element) }.joined()
        case .doubleEscaped: return scalars.map { "\\" + u($0) }.joined()
        case .percent: return token.utf8.map { "%" + String(format: "%02X", $0) }.joined()
        case .percentReserved:
            return token.utf8.map { b -> String in
                let c = Character(Unicode.Scalar(b))
                return c.isLetter || c.isNumber || "-_.~".contains(c) ? String(c) : "%" + String(format: "%02x", b)
            }.joined()
        case .htmlEntities:
            return scalars.enumerated().map { $0.offset % 2 == 0 ? "&#\($0.element.value);" : "&#x\(String($0.element.value, radix: 16));" }.joined()
        case .masked:
            guard scalars.count > 12 else { return "****" }
            let head = scalars[..<8].map(jsonRaw).joined(), tail = scalars[(scalars.count - 4)...].map(jsonRaw).joined()
            return "\(head)...\(tail) \(scalars[..<4].map(jsonRaw).joined())****"
        case .base64:
            return Data(token.utf8).base64EncodedString()
        case .bearerBase64URL:
            return Data(("Bearer " + token).utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        case .hex:
            return token.utf8.map { String(format: "%02x", $0) }.joined()
        }
    }
}

extension EmulatorCore {
    /// An error reply with the presented token echoed as configured (a hostile server).
    func hostile(_ reply: Reply, authorization: String?) -> Reply {
        let echoes = config.hostile.echoToken
        guard !echoes.isEmpty, reply.status >= 400, !reply.drop,
              let token = authorization.flatMap(Self.bearer) else { return reply }
        let echo = "token " + echoes.map { $0.encode(token) }.joined(separator: " ") + ": "
        var text = String(decoding: reply.body, as: UTF8.self)
        var inserted = false
        for key in ["\"error_description\":\"", "\"message\":\""] where text.contains(key) {
            text = text.replacingOccurrences(of: key, with: key + echo)
            inserted = true
        }
        if !inserted { text = echo + text }
        var changed = reply
        changed.body = Data(text.utf8)
        return changed
    }
}
