/// Whose profile a file describes: the `user:` key, checked for its form here and
/// resolved against the live workspace later. No `user:` key means the token owner.
public struct UserReference: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case email, nickname, id
    }

    public var kind: Kind
    /// The email or nickname as written (without a leading `@`), or the id's digits.
    public var value: String
    /// Where the value is in the file, so resolution errors point at it (1-based).
    public var line: Int
    public var column: Int

    public init(kind: Kind, value: String, line: Int = 0, column: Int = 0) {
        self.kind = kind; self.value = value; self.line = line; self.column = column
    }

    public var id: Int? { kind == .id ? Int(value) : nil }

    /// The key two files collide on: emails and nicknames compare ASCII-case-insensitively.
    public var identity: String { "\(kind.rawValue):\(kind == .id ? value : Self.asciiLowercased(value))" }

    /// Whether a person (as the API lists them) is the one this reference names: the same id,
    /// or the whole email or nickname with only ASCII letters folded. Unicode lowercasing would
    /// make `kate@example.com` match an address starting with the KELVIN SIGN (U+212A), which
    /// lowercases to `k`: a look-alike must never match.
    public func matches(id: Int, email: String?, nickname: String?) -> Bool {
        switch kind {
        case .id: return self.id == id
        case .email: return email.map { Self.equalIgnoringASCIICase($0, value) } ?? false
        case .nickname: return nickname.map { Self.equalIgnoringASCIICase($0, value) } ?? false
        }
    }

    /// Byte-wise equality of the UTF-8 forms, folding `A`–`Z` to `a`–`z` and nothing else.
    public static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { fold($0) == fold($1) }
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map(fold), as: UTF8.self)
    }

    private static func fold(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b | 0x20 : b }

    /// As a person would write it back: `anna@example.com`, `@anna`, `#1234`.
    public var displayed: String {
        switch kind {
        case .email: value
        case .nickname: "@" + value
        case .id: "#" + value
        }
    }

    public static let expectedForm = "an email (anna@example.com), a nickname (anna or \"@anna\") or a numeric id"

    /// Classifies a written value; a message saying what is wrong otherwise.
    public static func parse(_ text: String) -> Result<UserReference, FormError> {
        if text.isEmpty { return .failure(FormError(message: "must not be empty; omit `user:` for the token owner's own profile")) }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return .failure(FormError(message: "must not contain spaces or control characters"))
        }
        if text.utf8.count > 255 { return .failure(FormError(message: "is too long: at most 255 bytes")) }
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return id(text) }
        if text.hasPrefix("@") {
            let name = String(text.dropFirst())
            return isNickname(name) ? .success(UserReference(kind: .nickname, value: name))
                : .failure(FormError(message: "'\(text.truncatedForMessage)' is not a nickname: after '@' use letters, digits, '.', '_' or '-'"))
        }
        if text.contains("@") {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
                return .failure(FormError(message: "'\(text.truncatedForMessage)' is not an email address"))
            }
            return .success(UserReference(kind: .email, value: text))
        }
        return isNickname(text) ? .success(UserReference(kind: .nickname, value: text))
            : .failure(FormError(message: "'\(text.truncatedForMessage)' is not \(expectedForm)"))
    }

    /// A numeric id: a positive 32-bit integer (the API's `int32`).
    public static func id(_ digits: String) -> Result<UserReference, FormError> {
        guard let n = Int(digits), n > 0, n <= Int(Int32.max) else {
            return .failure(FormError(message: "'\(digits.truncatedForMessage)' is not a user id: ids are from 1 to \(Int32.max)"))
        }
        return .success(UserReference(kind: .id, value: String(n)))
    }

    static func isNickname(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "." || c == "_" || c == "-"
        }
    }

    public struct FormError: Error, Sendable, Equatable {
        public var message: String
    }
}
