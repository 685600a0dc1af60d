import Support

/// The one JSON policy for every document this tool writes (docs/commands.md): `--json` output of every
/// command, the error document, and the saved plan file. Keys are sorted and snake_case
/// (converted from the Swift-cased property names), timestamps are ISO-8601 UTC strings in the
/// API's canonical form, slashes are not escaped. Encoding never falls back to a made-up
/// document: a failure is an error the caller reports.
public enum JSONDocument {
    /// `format_version` of every `--json` document.
    public static let formatVersion = "1"

    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .custom { path in
            SnakeKey(string: snakeCase(path.last!.stringValue))
        }
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.canonical(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in SnakeKey(string: camelCase(path.last!.stringValue)) }
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            do { return try Timestamp.parse(text) } catch {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO-8601 timestamp with an offset, got '\(text)'")
            }
        }
        return decoder
    }

    /// One document as a string, without a trailing newline.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self)
    }

    /// A decoding failure in our words: which field, what was wrong (never Foundation's text).
    public static func describe(_ error: any Error) -> String {
        func field(_ path: [any CodingKey]) -> String {
            let names = path.map { $0.intValue.map { "[\($0)]" } ?? snakeCase($0.stringValue) }
            return names.isEmpty ? "the document" : names.joined(separator: ".").replacingScalars(".[", with: "[")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "\(field(context.codingPath + [key])): missing"
        case .typeMismatch(let type, let context)?:
            return "\(field(context.codingPath)): expected \(jsonTypeName(type))"
        case .valueNotFound(let type, let context)?:
            return "\(field(context.codingPath)): expected \(jsonTypeName(type)), got null"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "\(field(context.codingPath)): \(context.debugDescription)"
        default:
            return "unreadable"
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        default: "a value of another shape"
        }
    }

    /// Acronyms written in capitals in Swift (`imageURL`, `userID`, `subjectIDs`) and as one word in JSON.
    static let acronyms: [String: String] = ["url": "URL", "urls": "URLs", "id": "ID", "ids": "IDs"]

    /// `imageURL` → `image_url`, `hasChanges` → `has_changes`. Keys that are already snake_case,
    /// or are data rather than names (dictionary keys such as `status.title`), pass unchanged.
    public static func snakeCase(_ key: String) -> String {
        guard !key.contains("."), key.contains(where: \.isUppercase) else { return key }
        var words: [String] = []
        var current = ""
        let chars = Array(key)
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let previousIsLower = i > 0 && !chars[i - 1].isUppercase
                // A plural acronym (`IDs`, `URLs`) keeps its final "s".
                let pluralS = i + 1 < chars.count && chars[i + 1] == "s" && (i + 2 == chars.count || chars[i + 2].isUppercase)
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase && !pluralS
                let previousIsUpper = i > 0 && chars[i - 1].isUppercase
                if !current.isEmpty && (previousIsLower || (previousIsUpper && nextIsLower)) {
                    words.append(current); current = ""
                }
            }
            current.append(c)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.lowercased() }.joined(separator: "_")
    }

    /// The inverse of `snakeCase` for the names this tool uses: `image_url` → `imageURL`.
    public static func camelCase(_ key: String) -> String {
        // `_0`: the synthesized key of an unlabeled associated value, not a snake_case name.
        guard !key.contains("."), !key.hasPrefix("_"), key.contains("_") else { return key }
        let words = key.split(separator: "_", omittingEmptySubsequences: true).map(String.init)
        guard let first = words.first else { return key }
        return first + words.dropFirst().map { acronyms[$0] ?? $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    struct SnakeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// An optional that is always written: `null` when absent. Every key a document's schema
/// lists is present (docs/commands.md), which synthesized `Encodable` does not do for optionals.
@propertyWrapper
public struct AlwaysPresent<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?
    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension AlwaysPresent: Equatable where Value: Equatable {}

extension AlwaysPresent: Decodable where Value: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A missing key reads back as nil, as a plain optional does.
    public func decode<Value: Decodable>(_ type: AlwaysPresent<Value>.Type, forKey key: Key) throws -> AlwaysPresent<Value> {
        AlwaysPresent(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}
