import Support
import ProfileYAML

/// The live profile as a desired-state file (`export`). Written through libyaml's emitter, so
/// server text is data in every case: planned again, the file shows no changes.
public enum DesiredStateExport {
    /// What to say about the avatar: leave it out (unmanaged), `null`, or a path.
    public enum Avatar: Sendable, Equatable {
        case unmanaged
        case none
        case path(String)
    }

    /// `userID`: someone else's profile (`export --user`, `--all`) gets a `user:` line with the
    /// person's id, which neither a new email nor a new nickname changes. `person`: also write
    /// the `person:` block from the live record (`export --person`).
    public static func render(live: LiveState, avatar: Avatar, now: Date, userID: Int? = nil,
                              person: Bool = false) throws -> String {
        let owner = live.owner
        var pairs = [YAMLEmitPair("version", .plain("1"))]
        if let userID { pairs.append(YAMLEmitPair("user", .plain("\(userID)"))) }
        if let status = live.effectiveStatus(at: now) {
            var fields = [
                YAMLEmitPair("emoji", .string(status.emoji)),
                YAMLEmitPair("title", .string(status.title)),
                YAMLEmitPair("is_away", .plain(status.isAway ? "true" : "false")),
            ]
            if let message = status.awayMessage { fields.append(YAMLEmitPair("away_message", .string(message))) }
            if let expiresAt = status.expiresAt {
                fields.append(YAMLEmitPair("expires_at", .plain(Timestamp.canonical(expiresAt))))
            }
            pairs.append(YAMLEmitPair("status", .mapping(fields)))
        } else {
            pairs.append(YAMLEmitPair("status", .null))
        }
        switch avatar {
        case .unmanaged: break
        case .none: pairs.append(YAMLEmitPair("avatar", .null))
        case .path(let path): pairs.append(YAMLEmitPair("avatar", .string(path)))
        }
        if person, let record = live.person { pairs.append(YAMLEmitPair("person", personBlock(record))) }
        let comment = "Exported from Pachca: \(owner.displayName) (@\(owner.nickname)), id \(owner.id)"
        return try YAMLEmitter.emit(.mapping(pairs), comments: [comment])
    }

    /// Every managed field of the record as it is live; properties that have a value, by name.
    static func personBlock(_ record: LivePerson) -> YAMLEmitValue {
        var fields = PersonTextField.allCases.map { YAMLEmitPair($0.rawValue, .string(record[$0])) }
        fields.append(YAMLEmitPair("tags", .sequence(record.tags.map(YAMLEmitValue.string))))
        let set = record.customProperties.compactMap { p in p.value.map { YAMLEmitPair(p.name, .string($0)) } }
        if !set.isEmpty { fields.append(YAMLEmitPair("custom_properties", .mapping(set))) }
        return .mapping(fields)
    }
}
