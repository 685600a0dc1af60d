import Support

/// The live state a plan was computed against, reduced to normalized semantic fields
/// (never raw bytes, never a possibly signed URL), so a stale plan can name what changed.
/// Only managed resources take part: a change to an unmanaged one does not make a plan stale.
public enum LiveFingerprint {
    public static func fields(of live: LiveState, managing desired: DesiredState, now: Date) -> [String: String] {
        var fields: [String: String] = [:]
        if desired.status.isManaged {
            if let status = live.effectiveStatus(at: now) {
                fields["status"] = "set"
                fields["status.emoji"] = Normalization.emojiKey(status.emoji)
                fields["status.title"] = Normalization.textKey(status.title)
                fields["status.is_away"] = status.isAway ? "true" : "false"
                fields["status.away_message"] = Normalization.awayMessageKey(status.awayMessage)
                fields["status.expires_at"] = status.expiresAt.map(Timestamp.canonical) ?? ""
            } else {
                fields["status"] = "none"
            }
        }
        if desired.avatar.isManaged {
            fields["avatar"] = live.avatarURL.map(Normalization.avatarURLKey) ?? "none"
        }
        return fields
    }

    public static func hash(_ fields: [String: String]) -> String {
        let canonical = fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }.joined(separator: "\n")
        return SHA256.hex(Array(canonical.utf8))
    }

    /// Names of the fields whose value differs between two field sets, sorted.
    public static func changedFields(from old: [String: String], to new: [String: String]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}
