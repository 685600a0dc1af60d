/// A position in the source. `line` and `column` are 1-based; the column counts Unicode code
/// points (as libyaml does), not bytes or grapheme clusters. `offset` is the byte offset into
/// the file as given (after any UTF-8 BOM). Line 0 means "the whole file".
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int = 0) {
        self.line = line; self.column = column; self.offset = offset
    }

    /// For findings about the file as a whole (too large, unreadable).
    public static let wholeFile = Mark(line: 0, column: 0, offset: 0)

    public static func < (a: Mark, b: Mark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// The tag a node carries. Only the default (no tag), the non-specific `!` and the
/// YAML core-schema tags are understood; anything else is refused by the reader.
public enum YAMLTag: Sendable, Hashable {
    case none
    /// `! value` — forces a string.
    case nonSpecific
    case core(CoreTag)
    /// Any other tag, kept so the reader can name it in its error.
    case other(String)

    public enum CoreTag: String, Sendable, Hashable, CaseIterable {
        case str, int, bool, null, float, map, seq
    }

    static let corePrefix = "tag:yaml.org,2002:"

    init(_ raw: String?) {
        guard let raw else { self = .none; return }
        if raw == "!" { self = .nonSpecific; return }
        if raw.hasPrefix(Self.corePrefix), let core = CoreTag(rawValue: String(raw.dropFirst(Self.corePrefix.count))) {
            self = .core(core)
            return
        }
        self = .other(raw)
    }

    /// As the user would write it: `!!str`, `!foo`, `!<tag:example.com:x>`.
    public var displayName: String {
        switch self {
        case .none: ""
        case .nonSpecific: "!"
        case .core(let t): "!!\(t.rawValue)"
        case .other(let raw):
            if raw.hasPrefix(Self.corePrefix) { "!!" + raw.dropFirst(Self.corePrefix.count) }
            else if raw.hasPrefix("!") { raw }
            else { "!<\(raw)>" }
        }
    }
}

public enum ScalarStyle: String, Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded

    /// Only a plain, untagged scalar is subject to type resolution (`true`, `1`, `null`).
    public var isQuotedOrBlock: Bool { self != .plain }
}

public struct YAMLScalar: Sendable, Hashable {
    public var value: String
    public var style: ScalarStyle
    public init(value: String, style: ScalarStyle) { self.value = value; self.style = style }
}

/// One `key: value` pair. The key is a whole node, so it has its own marks.
public struct YAMLMappingEntry: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode
    public init(key: YAMLNode, value: YAMLNode) { self.key = key; self.value = value }
}

/// A node of the YAML tree with the marks of its first and one-past-last character.
/// Aliases are already expanded: an alias node holds the anchored content, with the
/// alias's own marks at its root (children keep the marks of the anchored text).
public struct YAMLNode: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case scalar(YAMLScalar)
        /// Entries in document order; duplicate keys were refused by the reader.
        case mapping([YAMLMappingEntry])
        case sequence([YAMLNode])
    }

    public var content: Content
    public var start: Mark
    public var end: Mark
    public var tag: YAMLTag
    public var anchor: String?
    /// True when this node was produced by an alias (`*name`).
    public var isAlias: Bool

    public init(content: Content, start: Mark, end: Mark, tag: YAMLTag = .none, anchor: String? = nil,
                isAlias: Bool = false) {
        self.content = content; self.start = start; self.end = end
        self.tag = tag; self.anchor = anchor; self.isAlias = isAlias
    }

    public var scalar: YAMLScalar? { if case .scalar(let s) = content { s } else { nil } }
    public var mapping: [YAMLMappingEntry]? { if case .mapping(let m) = content { m } else { nil } }
    public var sequence: [YAMLNode]? { if case .sequence(let s) = content { s } else { nil } }

    /// What a value is, for messages: `string`, `integer`, `mapping`, …
    public var kindName: String {
        switch content {
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        case .scalar:
            switch resolved {
            case .null: return "null"
            case .bool: return "boolean"
            case .int: return "integer"
            case .float: return "number"
            case .string: return "string"
            case nil: return "scalar"
            }
        }
    }
}
