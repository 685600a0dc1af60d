/// The one reader for every duration and rate the tool accepts — `--timeout`/`PACHCA_TIMEOUT`,
/// `--deadline`/`PACHCA_DEADLINE`, `--rate`/`PACHCA_RATE`, `PACHCA_LOCK_TIMEOUT` — and for a
/// server's `Retry-After` delta-seconds.
///
/// Only plain decimal is read: `30`, `0.5`, `.25`. Hexadecimal (`0x10`), exponents (`1e19`),
/// `inf`, `nan`, signs and anything else are refused instead of being read as something the
/// writer did not mean (`Double("0x10")` is 16). A value read is finite and, for a setting,
/// inside the setting's documented range, so converting it to milliseconds or nanoseconds
/// cannot trap.
public enum DecimalNumber {
    /// Longer text is refused unread: no setting needs more digits than this.
    public static let maxLength = 40

    /// The value of plain decimal text (ASCII whitespace around it ignored), or nil.
    public static func parse(_ text: some StringProtocol) -> Double? {
        var bytes = Substring(text).utf8[...]
        while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
        guard !bytes.isEmpty, bytes.count <= maxLength else { return nil }
        var digitsBefore = 0, digitsAfter = 0, dots = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): if dots == 0 { digitsBefore += 1 } else { digitsAfter += 1 }
            case UInt8(ascii: "."): dots += 1
            default: return nil
            }
        }
        guard dots <= 1, digitsBefore + digitsAfter > 0 else { return nil }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}

/// A duration or rate setting with its documented range. `read` refuses (never clamps) a
/// value the user wrote outside it; `clamped` bounds a value that came from elsewhere.
public struct QuantitySetting: Sendable, Equatable {
    /// `seconds`, `requests per second`.
    public let unit: String
    public let range: ClosedRange<Double>

    public init(unit: String, range: ClosedRange<Double>) {
        self.unit = unit; self.range = range
    }

    /// `--timeout`/`PACHCA_TIMEOUT`: seconds per request attempt. At least a millisecond
    /// (libcurl reads a 0 ms timeout as "none"), at most a day.
    public static let timeout = QuantitySetting(unit: "seconds", range: 0.001...86_400)
    /// `--deadline`/`PACHCA_DEADLINE`: seconds a call may keep retrying.
    public static let deadline = QuantitySetting(unit: "seconds", range: 0.001...86_400)
    /// `--rate`/`PACHCA_RATE`: requests per second; from one per 1000 s to 10,000 a second.
    public static let rate = QuantitySetting(unit: "requests per second", range: 0.001...10_000)
    /// `PACHCA_LOCK_TIMEOUT`: seconds to wait for another apply's lock; 0 means do not wait.
    public static let lockTimeout = QuantitySetting(unit: "seconds", range: 0...86_400)
    /// `watch --interval`: seconds between drift checks; from a tenth of a second (tests) to a day.
    public static let watchInterval = QuantitySetting(unit: "seconds", range: 0.1...86_400)
    /// A server's `Retry-After` in seconds: any decimal is read, then bounded to this (far
    /// beyond any deadline, so a longer wait fails the call at once instead of sleeping).
    public static let retryAfter = QuantitySetting(unit: "seconds", range: 0...1_000_000_000)

    /// The value of a flag's text (`flag`: `--timeout`), or an error that says what is accepted.
    public func read(_ text: String, flag: String) -> Result<Double, QuantityError> {
        read(text, name: flag, shown: "; got '\(Self.excerpt(text))'")
    }

    /// The value of an environment variable's text; the error names it as `NAME=value`.
    public func read(_ text: String, variable: String) -> Result<Double, QuantityError> {
        read(text, name: "\(variable)=\(Self.excerpt(text))", shown: "")
    }

    /// The message says the range, the form how to write it: `0x10`, `1e3` and `inf` are
    /// refused for how they are written, not only for their size.
    func read(_ text: String, name: String, shown: String) -> Result<Double, QuantityError> {
        guard let value = DecimalNumber.parse(text), range.contains(value) else {
            let what = unit == "seconds" ? "a number of seconds" : "\(unit), a number"
            let bounds = "between \(Self.shown(range.lowerBound)) and \(Self.shown(range.upperBound))"
            return .failure(QuantityError(message: "\(name): expected \(what) \(bounds)",
                                          form: "plain decimal digits such as 30 or 0.5\(shown)"))
        }
        return .success(value)
    }

    /// `value` inside the range (NaN becomes the lower bound).
    public func clamped(_ value: Double) -> Double {
        guard !value.isNaN else { return range.lowerBound }
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// `0.001`, `86400`: the bounds as a person writes them.
    static func shown(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// At most 32 characters of what the user wrote, control characters escaped.
    static func excerpt(_ text: String) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 32 { return out + "…" }
            count += 1
            switch scalar.value {
            case 0..<0x20, 0x7F, 0x80..<0xA0: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

public struct QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--timeout: expected a number of seconds between 0.001 and 86400` (or `NAME=value: …`).
    public var message: String
    /// How to write one, and for a flag what was written: `plain decimal digits such as 30 or
    /// 0.5; got '0x10'`.
    public var form: String
    /// One line: the message, then the form in parentheses.
    public var description: String { "\(message) (\(form))" }
}

/// Conversions that cannot trap, whatever the Double.
public enum SafeDuration {
    /// Nanoseconds for a sleep of `seconds` (negative and NaN are 0; beyond about 292 years,
    /// `UInt64.max`).
    public static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds > 0 else { return 0 }  // also NaN
        let ns = (seconds * 1_000_000_000).rounded(.up)
        return ns >= 18_000_000_000_000_000_000 ? UInt64.max : UInt64(ns)
    }

    /// Whole milliseconds, rounded up, at least `floor`, at most `Int32.max` (what libcurl takes).
    public static func milliseconds(_ seconds: Double, floor: Int = 1) -> Int {
        guard seconds > 0 else { return floor }
        let ms = (seconds * 1000).rounded(.up)
        return ms >= Double(Int32.max) ? Int(Int32.max) : max(floor, Int(ms))
    }
}
