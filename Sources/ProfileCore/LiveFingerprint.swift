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
        if let wanted = desired.person, let person = live.person {
            for field in PersonTextField.allCases where wanted[field] != nil {
                fields["person.\(field.rawValue)"] = Normalization.textKey(person[field])
            }
            if wanted.tags != nil { fields["person.tags"] = person.tags.map(Normalization.textKey).sorted().joined(separator: "\n") }
            // Every property, managed or not: a write carries the complete list, so a change to any
            // of them since the plan makes it stale.
            if wanted.customProperties != nil {
                for p in person.customProperties { fields["person.custom_properties.\(p.name)"] = Normalization.textKey(p.value ?? "") }
            }
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
