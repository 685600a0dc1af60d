import Support
import Timekeeping

/// Semantic comparison of status fields: the API may echo a value in another
/// form than it was sent, so the diff never compares text as text.
public enum Normalization {
    /// Emoji compare modulo presentation selectors (U+FE0E text, U+FE0F emoji) and
    /// Unicode normalization (NFC).
    public static func emojiKey(_ emoji: String) -> String {
        let stripped = String(String.UnicodeScalarView(
            emoji.unicodeScalars.filter { $0.value != 0xFE0E && $0.value != 0xFE0F }))
        return stripped.canonicallyComposed
    }

    public static func textKey(_ text: String) -> String { text.canonicallyComposed }

    /// Absent, null and empty away messages are the same.
    public static func awayMessageKey(_ message: String?) -> String {
        textKey(message ?? "")
    }

    /// Instants compare at the API's precision (milliseconds), whatever offset they were written in.
    public static func instantKey(_ date: Date?) -> Int64? {
        date.map(Timestamp.epochMilliseconds)  // a tampered saved plan's 1e300 is clamped, not a trap
    }

    /// A stored avatar URL without query and fragment: signed storage URLs change their
    /// query on every read, the object they point to does not.
    public static func avatarURLKey(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.query = nil
        components.fragment = nil
        return components.string ?? url
    }

}

extension StatusFields {
    /// True when the API would show the same status (the diff's notion of equality).
    public func isSemanticallyEqual(to other: StatusFields) -> Bool {
        differingFields(from: other).isEmpty
    }

    /// Names of the fields that differ semantically, in the file's field order.
    public func differingFields(from other: StatusFields) -> [StatusField] {
        var fields: [StatusField] = []
        if Normalization.emojiKey(emoji) != Normalization.emojiKey(other.emoji) { fields.append(.emoji) }
        if Normalization.textKey(title) != Normalization.textKey(other.title) { fields.append(.title) }
        if isAway != other.isAway { fields.append(.isAway) }
        if Normalization.awayMessageKey(awayMessage) != Normalization.awayMessageKey(other.awayMessage) {
            fields.append(.awayMessage)
        }
        if Normalization.instantKey(expiresAt) != Normalization.instantKey(other.expiresAt) {
            fields.append(.expiresAt)
        }
        return fields
    }

    /// A status whose expiry has passed is no status (the API may still return it for a while).
    public func hasExpired(at now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now
    }
}

/// The status fields, named as in the file and on the wire.
public enum StatusField: String, Sendable, Codable, CaseIterable {
    case emoji, title
    case isAway = "is_away"
    case awayMessage = "away_message"
    case expiresAt = "expires_at"
}

extension String {
    /// Unicode NFC, from the standard library (Foundation's `precomposedStringWithCanonicalMapping`
    /// is not in `FoundationEssentials`).
    var canonicallyComposed: String { String(decoding: _nfcCodeUnits, as: UTF8.self) }
}
