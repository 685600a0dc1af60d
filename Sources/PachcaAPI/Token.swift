import Support

/// A bearer token that cannot leak through printing: `description`, `debugDescription` and
/// string interpolation all give `<redacted>`. Only the client reads `raw`, to build the header.
public struct APIToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let raw: String

    public init(_ raw: String) { self.raw = raw }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    // `dump()` and Mirror-based printers would otherwise show the stored property.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    /// True when the token is empty after trimming whitespace (treated as no token).
    public var isEmpty: Bool { raw.trimmingWhitespace().isEmpty }

    /// Shorter text is not a Pachca token (theirs are far longer): it is a typo or a truncated
    /// copy, and redacting every run of two characters from all output would corrupt it.
    public static let minimumLength = 16

    /// Why `text` (already trimmed) cannot be a token, in words that never quote it; nil when
    /// it is long enough. `source` names where it came from (`--token`, `PACHCA_TOKEN`).
    public static func shortness(of text: String, from source: String) -> String? {
        let count = text.unicodeScalars.count
        guard count < minimumLength else { return nil }
        return "the token from \(source) is \(count) character\(count == 1 ? "" : "s") long (not shown):"
            + " too short for a Pachca token (at least \(minimumLength)); check that it was copied whole"
    }
}

/// Whose profile a call reads or writes. `.me` is the token's owner; `.user(id:)` is for the
/// administrator (Teams) work and uses `/users/{id}` paths and the `user_*` scopes.
extension Subject {
    var profilePath: String {
        switch self {
        case .me: return "/profile"
        case .user(let id): return "/users/\(id)"
        }
    }
    var statusPath: String {
        switch self {
        case .me: return "/profile/status"
        case .user(let id): return "/users/\(id)/status"
        }
    }
    var avatarPath: String {
        switch self {
        case .me: return "/profile/avatar"
        case .user(let id): return "/users/\(id)/avatar"
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing white space and newlines (`FoundationEssentials` has no
    /// `trimmingCharacters(in:)`).
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
