import Synchronization

/// The one redaction point on the way out (issue 10): every string the CLI prints or writes
/// to a file passes through `redact`. It removes each registered secret in any form a server
/// could echo it — raw, JSON-escaped (`\/`, `\u0053`, surrogate pairs, doubly escaped),
/// percent-encoded (any case), HTML character references, masked (`abcd****`, `abcd...wxyz`)
/// or as a long fragment — and the userinfo (`user:password@`) of any URL.
public final class SecretRedactor: Sendable {
    /// The process-wide sink: the CLI registers every token it was given before using it.
    public static let shared = SecretRedactor()

    public static let marker = "<redacted>"
    /// A run of this many consecutive token characters is a fragment worth hiding (tokens of
    /// at least `fragmentMinimumTokenLength` characters; shorter ones are hidden only whole).
    public static let fragmentLength = 8
    static let fragmentMinimumTokenLength = 16
    /// A masked form shows at least this many leading characters before its mask.
    static let maskedPrefixLength = 4

    private let secrets = Mutex<[[Unicode.Scalar]]>([])

    public init() {}

    public func register(_ token: APIToken) { register(secret: token.raw) }

    /// Registers a secret (surrounding white space ignored). Empty text is ignored.
    public func register(secret: String) {
        let trimmed = Array(secret.unicodeScalars.drop(while: Self.isSpace).reversed().drop(while: Self.isSpace).reversed())
        guard !trimmed.isEmpty else { return }
        secrets.withLock { list in if !list.contains(trimmed) { list.append(trimmed) } }
    }

    public func redact(_ text: String) -> String {
        let registered = secrets.withLock { $0 }
        var scalars = Array(text.unicodeScalars)
        for secret in registered.sorted(by: { $0.count > $1.count }) {
            scalars = SecretMatcher(secret: secret).redact(scalars)
        }
        scalars = URLUserinfo.redact(scalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.value <= 0x20 || s.value == 0x7F }
}

/// Finds a secret in text where each of its characters may appear encoded.
struct SecretMatcher {
    let secret: [Unicode.Scalar]
    let positions: [Unicode.Scalar: [Int]]

    init(secret: [Unicode.Scalar]) {
        self.secret = secret
        var positions: [Unicode.Scalar: [Int]] = [:]
        for (index, scalar) in secret.enumerated() { positions[scalar, default: []].append(index) }
        self.positions = positions
    }

    var minimumFragment: Int {
        secret.count >= SecretRedactor.fragmentMinimumTokenLength ? SecretRedactor.fragmentLength : secret.count
    }

    func redact(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if let end = longestMatch(in: text, at: i) {
                out.append(contentsOf: SecretRedactor.marker.unicodeScalars)
                i = end
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// The end of the longest encoded secret, fragment or masked form starting at `start`.
    func longestMatch(in text: [Unicode.Scalar], at start: Int) -> Int? {
        // Fast path: most characters neither begin an escape nor occur in the secret.
        let first = text[start]
        if positions[first] == nil, first != "\\", first != "%", first != "&" { return nil }
        var best: Int?
        var readings = [first]
        if let (decoded, _) = EncodedScalar.escape(in: text, at: start) { readings.append(decoded) }
        for scalar in readings {
            for j in positions[scalar] ?? [] {
                var k = j, p = start
                while k < secret.count, let next = EncodedScalar.consume(secret[k], in: text, at: p) {
                    k += 1; p = next
                }
                let matched = k - j
                var end: Int?
                if matched == secret.count || matched >= minimumFragment { end = p }
                if j == 0, matched >= SecretRedactor.maskedPrefixLength, matched < secret.count,
                   let masked = maskTail(in: text, at: p) {
                    end = max(end ?? masked, masked)
                }
                if let end, end > (best ?? start) { best = end }
            }
        }
        return best
    }

    /// After a shown prefix: a mask (`***`, `...`, `…`, `•••`) and optionally the secret's tail.
    func maskTail(in text: [Unicode.Scalar], at start: Int) -> Int? {
        var p = start
        while p < text.count, "*.…•·".unicodeScalars.contains(text[p]) { p += 1 }
        let maskLength = p - start
        guard maskLength >= 2 || (maskLength == 1 && text[start] == "…") else { return nil }
        // Any tail of the secret that follows (e.g. the last four characters).
        for tailStart in 0..<secret.count {
            var k = tailStart, q = p
            while k < secret.count, let next = EncodedScalar.consume(secret[k], in: text, at: q) { k += 1; q = next }
            if k == secret.count, q > p { return q }
        }
        return p
    }
}

/// The ways one character can be written in text a server sends back.
enum EncodedScalar {
    /// If `expected` is written at `p` (plainly or encoded), the index after it. An escape
    /// is preferred to reading its backslash, percent sign or ampersand literally.
    static func consume(_ expected: Unicode.Scalar, in text: [Unicode.Scalar], at p: Int) -> Int? {
        guard p < text.count else { return nil }
        if let (decoded, end) = escape(in: text, at: p), decoded == expected { return end }
        return text[p] == expected ? p + 1 : nil
    }

    /// The character an escape starting at `p` stands for, and the index after it.
    static func escape(in text: [Unicode.Scalar], at p: Int) -> (Unicode.Scalar, Int)? {
        switch text[p] {
        case "\\": return backslashEscape(text, p)
        case "%": return percentEscape(text, p)
        case "&": return characterReference(text, p)
        default: return nil
        }
    }

    /// `\uXXXX` (with surrogate pairs), `\xXX`, `\/`, `\"`, `\\`; any number of backslashes
    /// before the escape letter, so text escaped twice (`\\u0053`) counts too.
    static func backslashEscape(_ t: [Unicode.Scalar], _ p: Int) -> (Unicode.Scalar, Int)? {
        var q = p
        while q < t.count, t[q] == "\\" { q += 1 }
        guard q < t.count else { return nil }
        switch t[q] {
        case "u", "U":
            guard let high = hex(t, q + 1, 4) else { return nil }
            let end = q + 5
            if (0xD800...0xDBFF).contains(high) {
                var r = end
                while r < t.count, t[r] == "\\" { r += 1 }
                guard r > end, r < t.count, t[r] == "u" || t[r] == "U", let low = hex(t, r + 1, 4),
                      (0xDC00...0xDFFF).contains(low) else { return nil }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                return Unicode.Scalar(value).map { ($0, r + 5) }
            }
            return Unicode.Scalar(high).map { ($0, end) }
        case "x":
            return hex(t, q + 1, 2).flatMap { Unicode.Scalar($0) }.map { ($0, q + 3) }
        case "/", "\"", "'":
            return (t[q], q + 1)
        default:
            return q - p >= 2 ? ("\\", p + 2) : nil
        }
    }

    /// `%XX` bytes (any case) forming one UTF-8 character.
    static func percentEscape(_ t: [Unicode.Scalar], _ p: Int) -> (Unicode.Scalar, Int)? {
        var bytes: [UInt8] = []
        var q = p
        func byte() -> UInt8? {
            guard q < t.count, t[q] == "%", let value = hex(t, q + 1, 2) else { return nil }
            q += 3
            return UInt8(value)
        }
        guard let lead = byte() else { return nil }
        bytes.append(lead)
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
        guard length > 0 else { return nil }
        for _ in 1..<length {
            guard let next = byte() else { return nil }
            bytes.append(next)
        }
        let decoded = String(decoding: bytes, as: UTF8.self).unicodeScalars
        guard decoded.count == 1, let scalar = decoded.first, scalar != "\u{FFFD}" else { return nil }
        return (scalar, q)
    }

    /// `&#83;` or `&#x53;`.
    static func characterReference(_ t: [Unicode.Scalar], _ p: Int) -> (Unicode.Scalar, Int)? {
        guard p + 3 < t.count, t[p + 1] == "#" else { return nil }
        var q = p + 2
        let isHex = t[q] == "x" || t[q] == "X"
        if isHex { q += 1 }
        var value = 0, digits = 0
        while q < t.count, digits < 8, let d = digit(t[q], hex: isHex) {
            value = value * (isHex ? 16 : 10) + d; digits += 1; q += 1
        }
        guard digits > 0, q < t.count, t[q] == ";" else { return nil }
        return Unicode.Scalar(UInt32(value)).map { ($0, q + 1) }
    }

    static func hex(_ t: [Unicode.Scalar], _ p: Int, _ count: Int) -> UInt32? {
        guard p + count <= t.count else { return nil }
        var value: UInt32 = 0
        for i in p..<(p + count) {
            guard let d = digit(t[i], hex: true) else { return nil }
            value = value * 16 + UInt32(d)
        }
        return value
    }

    static func digit(_ s: Unicode.Scalar, hex: Bool) -> Int? {
        switch s.value {
        case 0x30...0x39: return Int(s.value - 0x30)
        case 0x41...0x46 where hex: return Int(s.value - 0x41 + 10)
        case 0x61...0x66 where hex: return Int(s.value - 0x61 + 10)
        default: return nil
        }
    }
}

/// `scheme://user:password@host` → `scheme://<redacted>@host`, also when the slashes are
/// JSON-escaped (`http:\/\/…`).
enum URLUserinfo {
    static func redact(_ t: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(t.count)
        var i = 0
        while i < t.count {
            guard t[i] == ":", let authorityStart = afterSlashes(t, i + 1) else {
                out.append(t[i]); i += 1; continue
            }
            var end = authorityStart
            var lastAt: Int?
            while end < t.count, !isAuthorityEnd(t, end) {
                if t[end] == "@" { lastAt = end }
                end += 1
            }
            out.append(contentsOf: t[i..<authorityStart])
            if let lastAt {
                out.append(contentsOf: SecretRedactor.marker.unicodeScalars)
                out.append(contentsOf: t[lastAt..<end])
            } else {
                out.append(contentsOf: t[authorityStart..<end])
            }
            i = end
        }
        return out
    }

    /// `//` or `\/\/` after the colon; the index after them.
    static func afterSlashes(_ t: [Unicode.Scalar], _ p: Int) -> Int? {
        var q = p, slashes = 0
        while q < t.count, slashes < 2 {
            if t[q] == "/" { slashes += 1; q += 1 } else if t[q] == "\\", q + 1 < t.count, t[q + 1] == "/" {
                slashes += 1; q += 2
            } else { return nil }
        }
        return slashes == 2 ? q : nil
    }

    static func isAuthorityEnd(_ t: [Unicode.Scalar], _ p: Int) -> Bool {
        let s = t[p]
        if s.value <= 0x20 || "/?#\"'<>`\\,;|{}[]()".unicodeScalars.contains(s) {
            // `[` opens an IPv6 literal right after `@` or at the start; allow it there.
            if s == "[" || s == "]" { return false }
            return true
        }
        return false
    }
}
