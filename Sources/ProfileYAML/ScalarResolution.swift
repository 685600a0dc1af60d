/// A scalar's value under the YAML 1.2 core schema. YAML 1.1 words such as `yes`/`on`
/// are deliberately strings here: the format asks users to write `true`/`false`.
public enum ResolvedScalar: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
}

extension YAMLNode {
    /// The core-schema value of a scalar node; nil for collections and for a node whose
    /// explicit core tag does not fit its text (`!!int abc`).
    public var resolved: ResolvedScalar? {
        guard case .scalar(let s) = content else { return nil }
        switch tag {
        case .nonSpecific, .core(.str): return .string(s.value)
        case .core(.null): return CoreSchema.null(s.value) ? .null : nil
        case .core(.bool): return CoreSchema.bool(s.value).map(ResolvedScalar.bool)
        case .core(.int): return CoreSchema.int(s.value).map(ResolvedScalar.int)
        case .core(.float): return (CoreSchema.float(s.value) ?? CoreSchema.int(s.value).map(Double.init)).map(ResolvedScalar.float)
        case .core(.map), .core(.seq): return nil
        case .other: return .string(s.value)
        case .none:
            if s.style.isQuotedOrBlock { return .string(s.value) }
            return CoreSchema.resolvePlain(s.value)
        }
    }
}

/// The YAML 1.2 core schema's resolution of plain scalars (spec docs/schedules.md.3.2).
enum CoreSchema {
    static func resolvePlain(_ text: String) -> ResolvedScalar {
        if null(text) { return .null }
        if let b = bool(text) { return .bool(b) }
        if let i = int(text) { return .int(i) }
        if let f = float(text) { return .float(f) }
        return .string(text)
    }

    static func null(_ t: String) -> Bool { t.isEmpty || t == "~" || t == "null" || t == "Null" || t == "NULL" }

    static func bool(_ t: String) -> Bool? {
        switch t {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    static func int(_ t: String) -> Int? {
        let u = Array(t.utf8)
        if u.count > 2, u[0] == UInt8(ascii: "0") {
            if u[1] == UInt8(ascii: "o"), u[2...].allSatisfy({ (0x30...0x37).contains($0) }) {
                return Int(String(t.dropFirst(2)), radix: 8)
            }
            if u[1] == UInt8(ascii: "x"), u[2...].allSatisfy(\.isHexDigitASCII) {
                return Int(String(t.dropFirst(2)), radix: 16)
            }
        }
        var digits = u[...]
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(t.hasPrefix("+") ? String(t.dropFirst()) : t)
    }

    static func float(_ t: String) -> Double? {
        switch t {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        let u = Array(t.utf8)
        var i = 0
        func digits() -> Int { let s = i; while i < u.count, (0x30...0x39).contains(u[i]) { i += 1 }; return i - s }
        if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
        let intDigits = digits()
        var fracDigits = 0
        if i < u.count, u[i] == UInt8(ascii: ".") { i += 1; fracDigits = digits() }
        guard intDigits + fracDigits > 0 else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i += 1
            if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == u.count else { return nil }
        return Double(t)
    }
}

extension UInt8 {
    var isHexDigitASCII: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
