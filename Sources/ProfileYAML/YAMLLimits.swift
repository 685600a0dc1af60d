/// Bounds that keep hostile input from hanging or exhausting the process. Each one has a
/// fixture that exceeds it in the tests.
public enum YAMLLimits {
    /// A desired-state file is a handful of lines; 1 MiB is generous.
    public static let maxFileBytes = 1 << 20
    /// Nesting of mappings and sequences. libyaml 0.2.5 has no depth limit of its own.
    public static let maxDepth = 64
    /// Total nodes in the tree, counting an alias as the full size of what it expands to.
    /// Stops "billion laughs" after a few thousand steps instead of building a huge tree.
    public static let maxNodes = 10_000
}

/// A problem reading YAML, with the place it was found.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// libyaml's scanner or parser refused the text.
        case syntax
        case invalidUTF8
        case tooLarge
        case tooDeep
        case tooManyNodes
        case multipleDocuments
        case duplicateKey
        case unsupportedTag
        case undefinedAlias
        case internalError
    }

    public var kind: Kind
    public var message: String
    public var mark: Mark
    public var notes: [String]

    public init(kind: Kind, message: String, mark: Mark, notes: [String] = []) {
        self.kind = kind; self.message = message; self.mark = mark; self.notes = notes
    }

    public var description: String { "\(mark): \(message)" }
}

/// What the reader produced: a tree (nil for an empty stream or when a fatal error stopped
/// it) and every error found. Duplicate keys and unsupported tags are not fatal: the tree is
/// still returned (without the duplicate entry) so the caller can report more.
public struct YAMLDocument: Sendable, Equatable {
    public var root: YAMLNode?
    public var errors: [YAMLError]
    public init(root: YAMLNode?, errors: [YAMLError]) { self.root = root; self.errors = errors }
}
