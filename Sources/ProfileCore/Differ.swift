import Support

/// desired state + live state + now → plan. Pure (docs/file-format.md): reads no clock, file or network;
/// the avatar's identity is proven at the edge and handed in, as are the zone of a schedule
/// (`zone`, needed for weekly windows) and the status the last apply wrote (`lastApplied`).
public enum Differ {
    public static func plan(desired file: DesiredState, live: LiveState, avatar assessment: AvatarAssessment?,
                            now: Date, subject: Subject = .me, zone: ZoneRules? = nil,
                            lastApplied: StatusFields? = nil, properties: [PropertyDefinition] = []) -> Plan {
        var statusChange: StatusChange?
        var avatarChange: AvatarChange?
        var warnings: [String] = []

        let liveStatus = live.effectiveStatus(at: now)

        // The schedule decides the status for this instant; the plan carries that status.
        let evaluation = ScheduleEvaluator.evaluate(file, at: now, zone: zone)
        var desired = file
        desired.status = evaluation.status
        var nextChangeAt = evaluation.nextChangeAt

        let kept = keptHandSetStatus(file: file, desired: desired.status, live: liveStatus, lastApplied: lastApplied)
        if let kept, let until = kept.expiresAt, nextChangeAt.map({ until < $0 }) ?? true { nextChangeAt = until }

        switch kept == nil ? desired.status : .unmanaged {
        case .unmanaged:
            break
        case .none:
            if let liveStatus { statusChange = .delete(before: liveStatus) }
        case .value(let wanted):
            if wanted.hasExpired(at: now) {
                warnings.append("status.expires_at \(Timestamp.canonical(wanted.expiresAt!)) has passed: the status is treated as no status")
                if let liveStatus { statusChange = .delete(before: liveStatus) }
            } else if let liveStatus {
                if !wanted.isSemanticallyEqual(to: liveStatus) {
                    statusChange = .update(before: liveStatus, after: wanted)
                }
            } else {
                statusChange = .create(after: wanted)
            }
        }

        var avatarAssessment: AvatarAssessment?
        switch desired.avatar {
        case .unmanaged:
            break
        case .none:
            if let url = live.avatarURL {
                avatarChange = .delete(beforeURL: url)
            }
        case .value(let file):
            let judged = assessment ?? AvatarAssessment(inSync: false, evidence: live.avatarURL == nil ? .noLiveAvatar : .unverifiable)
            avatarAssessment = judged
            if let url = live.avatarURL {
                if !judged.inSync { avatarChange = .update(beforeURL: url, file: file, evidence: judged.evidence) }
            } else {
                avatarChange = .create(file: file)
            }
        }

        let personChange = desired.person.flatMap { wanted in
            live.person.flatMap { person(desired: wanted, live: $0, definitions: properties) }
        }

        var plan = Plan(file: desired.file, subject: subject, owner: live.owner, computedAt: now, desired: desired,
                    liveFields: LiveFingerprint.fields(of: live, managing: desired, now: now),
                    status: statusChange, avatar: avatarChange, warnings: warnings, avatarAssessment: avatarAssessment,
                    nextChangeAt: nextChangeAt, window: evaluation.window?.label, keptStatus: kept.map(StatusSnapshot.init),
                    person: personChange)
        // Provenance: the window in force decides the status, else the `status` key.
        let statusSource = evaluation.window.map { SourceRef(file: $0.file ?? file.file, line: $0.line) } ?? file.source(of: "status")
        let sources = [("status", statusSource), ("avatar", file.source(of: "avatar")), ("person", file.source(of: "person"))]
            .compactMap { key, source in source.map { (key, $0) } }
        plan.sources = sources.isEmpty ? nil : Dictionary(uniqueKeysWithValues: sources)
        return plan
    }

    /// Under `on_manual_change: keep`, a live status is the tool's own when it equals the status
    /// the last apply wrote or any status the file can produce (whatever its expiry); any
    /// other live status was set by hand and is kept until it expires or is removed (docs/schedules.md).
    static func keptHandSetStatus(file: DesiredState, desired: Managed<StatusFields>, live: LiveStatus?,
                                  lastApplied: StatusFields?) -> LiveStatus? {
        guard file.manualChangePolicy == .keep, desired.isManaged, let live else { return nil }
        if let lastApplied, lastApplied.isSemanticallyEqual(to: live) { return nil }
        var ignoringExpiry = live
        ignoringExpiry.expiresAt = nil
        for candidate in file.producibleStatuses + [desired.value].compactMap({ $0 }) {
            var c = candidate
            c.expiresAt = nil
            if c.isSemanticallyEqual(to: ignoringExpiry) { return nil }
        }
        return live
    }
}
