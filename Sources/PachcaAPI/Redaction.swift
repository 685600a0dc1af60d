import Support
import Synchronization

/// The one redaction point on the way out: every string the CLI prints or writes
/// to a file passes through `redact`. It removes each registered secret in any form a server
/// could echo it — raw, JSON-escaped (`\/`, `\u0053`, surrogate pairs, doubly escaped),
/// percent-encoded (any case), HTML character references, base64 (standard and URL-safe, at any
/// alignment, so also inside `Bearer …` or a JSON blob encoded whole), hex (either case), masked
/// (`abcd****`, `abcd...wxyz`) or as a long fragment — and the userinfo (`user:password@`) of
/// any URL, with or without a scheme.
///
/// The fragment rule is for what a person reads (`fragments: true`). Files the tool reads back
/// (saved plans, state records) are redacted of whole and masked forms only: a run of 8 token
/// characters shared with a file name must not change the data.
public final class SecretRedactor: Sendable {
    public static let marker = "<redacted>"
    /// A run of this many consecutive token characters is a fragment worth hiding (tokens of
    /// at least `fragmentMinimumTokenLength` characters; shorter ones are hidden only whole).
    public static let fragmentLength = 8
    static let fragmentMinimumTokenLength = 16
    /// A masked form shows at least this many leading characters before its mask.
    static let maskedPrefixLength = 4
    /// An encoded form shorter than this is not looked for (it would match ordinary text).
    static let encodedMinimumLength = 8

    struct Secret: Equatable {
        var scalars: [Unicode.Scalar]
        /// The token as given (fragments and masks count); false for its encoded forms.
        var isRaw: Bool
    }

    private let secrets = Mutex<[Secret]>([])

    public init() {}

    public func register(_ token: APIToken) { register(secret: token.raw) }

    /// Registers a secret (surrounding white space ignored) and its base64 and hex forms.
    /// Empty text is ignored.
    public func register(secret: String) {
        let trimmed = Array(secret.unicodeScalars.drop(while: Self.isSpace).reversed().drop(while: Self.isSpace).reversed())
        guard !trimmed.isEmpty else { return }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: trimmed)
        let forms = [Secret(scalars: trimmed, isRaw: true)]
            + EncodedForms.of(Array(String(view).utf8)).map { Secret(scalars: Array($0.unicodeScalars), isRaw: false) }
        secrets.withLock { list in
            for form in forms where !list.contains(form) { list.append(form) }
        }
    }

    /// `fragments`: also hide runs of 8 token characters (for output a person reads); false
    /// for data the tool reads back.
    public func redact(_ text: String, fragments: Bool = true) -> String {
        let registered = secrets.withLock { $0 }
        var scalars = Array(text.unicodeScalars)
        let ordered = registered.sorted(by: { $0.scalars.count > $1.scalars.count })
        // Encoded forms are ASCII written as they are: one plain pass over the runs of their
        // alphabet finds them all (the escape-aware matcher would cost a raw token's pass each).
        scalars = EncodedForms.redact(scalars, forms: ordered.filter { !$0.isRaw }.map(\.scalars))
        for secret in ordered where secret.isRaw {
            scalars = SecretMatcher(secret: secret.scalars, fragments: fragments).redact(scalars)
        }
        scalars = URLUserinfo.redact(scalars)
        scalars = URLUserinfo.redactSchemeless(scalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.value <= 0x20 || s.value == 0x7F }
}

/// The base64 and hex forms of a secret a server could echo.
enum EncodedForms {
    /// Base64 at each of the three alignments the secret can have inside a longer encoded
    /// text (`Bearer ` + token, a JSON body): only the groups made of secret bytes alone, which
    /// are the same whatever surrounds them. Standard and URL-safe alphabets; hex in both cases.
    static func of(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        for shift in 0..<3 where bytes.count - shift >= 3 {
            let whole = (bytes.count - shift) / 3 * 3
            let standard = base64(Array(bytes[shift..<(shift + whole)]))
            out.append(standard)
            out.append(String(standard.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }))
        }
        let hex = bytes.map { b -> String in let h = String(b, radix: 16); return h.count == 1 ? "0" + h : h }.joined()
        out += [hex, hex.uppercased()]
        // JSON encoders that escape `/` write standard base64 with `\/`.
        out += out.filter { $0.contains("/") }.map { $0.replacingScalars("/", with: "\\/") }
        var unique: [String] = []
        for form in out where form.count >= SecretRedactor.encodedMinimumLength && !unique.contains(form) { unique.append(form) }
        return unique
    }

    /// Every occurrence of any of `forms` (longest first) replaced by the marker; the text
    /// itself when there is none. Only runs of base64/hex characters at least as long as the
    /// shortest form are searched, so ordinary text costs one cheap scan.
    static func redact(_ text: [Unicode.Scalar], forms: [[Unicode.Scalar]]) -> [Unicode.Scalar] {
        guard let shortest = forms.map(\.count).min() else { return text }
        let n = text.count
        var out: [Unicode.Scalar]?
        var copied = 0
        var i = 0
        while i < n {
            guard isEncoded(text[i]) else { i += 1; continue }
            var j = i + 1
            while j < n, isEncoded(text[j]) { j += 1 }
            if j - i >= shortest {
                var k = i
                while k < j {
                    let hit = forms.first { form in
                        k + form.count <= j && text[k] == form[0] && text[k..<(k + form.count)].elementsEqual(form)
                    }
                    guard let hit else { k += 1; continue }
                    if out == nil { out = []; out!.reserveCapacity(n) }
                    out!.append(contentsOf: text[copied..<k])
                    out!.append(contentsOf: SecretRedactor.marker.unicodeScalars)
                    k += hit.count
                    copied = k
                }
            }
            i = j
        }
        guard var result = out else { return text }
        result.append(contentsOf: text[copied...])
        return result
    }

    /// The characters of base64 (both alphabets), hex, and `\` of a JSON-escaped `\/`.
    static func isEncoded(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2B, 0x2F, 0x2D, 0x5F, 0x5C: return true
        default: return false
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i + 3 <= bytes.count {
            let n = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
            out.append(alphabet[n >> 18 & 63]); out.append(alphabet[n >> 12 & 63])
            out.append(alphabet[n >> 6 & 63]); out.append(alphabet[n & 63])
            i += 3
        }
        return out
    }
}

/// Finds a secret in text where each of its characters may appear encoded.
struct SecretMatcher {
    let secret: [Unicode.Scalar]
    let positions: [Unicode.Scalar: [Int]]
    /// Runs of `fragmentLength` secret characters count too (not only the whole secret).
    let fragments: Bool
    /// Masked forms (`abcd****`, `abcd...wxyz`) count too.
    let masks: Bool

    init(secret: [Unicode.Scalar], fragments: Bool = true, masks: Bool = true) {
        self.secret = secret
        self.fragments = fragments
        self.masks = masks
        var positions: [Unicode.Scalar: [Int]] = [:]
        for (index, scalar) in secret.enumerated() { positions[scalar, default: []].append(index) }
        self.positions = positions
    }

    var minimumFragment: Int {
        fragments && secret.count >= SecretRedactor.fragmentMinimumTokenLength ? SecretRedactor.fragmentLength : secret.count
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
                if masks, j == 0, matched >= SecretRedactor.maskedPrefixLength, matched < secret.count,
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

    /// `user:password@host/…` without a scheme (a URL typed without `https://`): the part
    /// before the last `@` of a word that looks like `name:secret@host` followed by a path,
    /// a port or its end becomes `<redacted>`. A word needs a colon before the `@`, so an email
    /// address alone (`anna@example.com`) and `user: anna@…` (a space after the colon) stay.
    static func redactSchemeless(_ t: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard t.contains("@") else { return t }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(t.count)
        var i = 0
        while i < t.count {
            // A word: from here to white space or a delimiter.
            guard isWordStart(t, i) else { out.append(t[i]); i += 1; continue }
            var end = i
            var colon: Int?, lastAt: Int?
            while end < t.count, !isAuthorityEnd(t, end) {
                if t[end] == ":", colon == nil, lastAt == nil { colon = end }
                if t[end] == "@" { lastAt = end }
                end += 1
            }
            let word = t[i..<end]
            if let colon, let lastAt, colon > i, lastAt > colon + 1, lastAt + 1 < end,
               !word.starts(with: "mailto:".unicodeScalars), isHost(t[(lastAt + 1)..<end]) {
                out.append(contentsOf: SecretRedactor.marker.unicodeScalars)
                out.append(contentsOf: t[lastAt..<end])
            } else {
                out.append(contentsOf: word)
            }
            if end < t.count { out.append(t[end]) }
            i = end + 1
        }
        return out
    }

    /// A word starts at the text's start or after a delimiter (never in the middle of one).
    static func isWordStart(_ t: [Unicode.Scalar], _ p: Int) -> Bool {
        !isAuthorityEnd(t, p) && (p == 0 || isAuthorityEnd(t, p - 1))
    }

    /// `host`, `host:port`: letters, digits, dots, dashes, `[…]`, then a port's digits.
    static func isHost(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        let hostPart = s.prefix { $0 != ":" }
        guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0)
            || $0 == "." || $0 == "-" || $0 == "[" || $0 == "]" }) else { return false }
        return s.dropFirst(hostPart.count).dropFirst().allSatisfy { ("0"..."9").contains($0) || $0 == ":" }
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
        // `[` and `]` (an IPv6 literal) do not end an authority.
        switch t[p].value {
        case 0...0x20: return true
        case 0x2F, 0x3F, 0x23, 0x22, 0x27, 0x3C, 0x3E, 0x60, 0x5C, 0x2C, 0x3B, 0x7C, 0x7B, 0x7D, 0x28, 0x29: return true  // / ? # " ' < > ` \ , ; | { } ( )
        default: return false
        }
    }
}
