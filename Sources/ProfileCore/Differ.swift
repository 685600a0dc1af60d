#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// desired state + live state + now → plan. Pure (SPEC §5): reads no clock, file or network;
/// the avatar's identity is proven at the edge and handed in.
public enum Differ {
    public static func plan(desired: DesiredState, live: LiveState, avatar assessment: AvatarAssessment?,
                            now: Date, subject: Subject = .me) -> Plan {
        var changes: [Change] = []
        var warnings: [String] = []

        let liveStatus = live.effectiveStatus(at: now)

        switch desired.status {
        case .unmanaged:
            break
        case .none:
            if let liveStatus { changes.append(.status(.delete, before: liveStatus, after: nil)) }
        case .value(let wanted):
            if wanted.hasExpired(at: now) {
                warnings.append("status.expires_at \(Timestamp.canonical(wanted.expiresAt!)) has passed: the status is treated as no status")
                if let liveStatus { changes.append(.status(.delete, before: liveStatus, after: nil)) }
            } else if let liveStatus {
                if !wanted.isSemanticallyEqual(to: liveStatus) {
                    changes.append(.status(.update, before: liveStatus, after: wanted))
                }
            } else {
                changes.append(.status(.create, before: nil, after: wanted))
            }
        }

        var avatarAssessment: AvatarAssessment?
        switch desired.avatar {
        case .unmanaged:
            break
        case .none:
            if let url = live.avatarURL {
                changes.append(.avatar(.delete, beforeURL: url, after: nil, evidence: nil))
            }
        case .value(let file):
            let judged = assessment ?? AvatarAssessment(inSync: false, evidence: live.avatarURL == nil ? .noLiveAvatar : .unverifiable)
            avatarAssessment = judged
            if live.avatarURL == nil {
                changes.append(.avatar(.create, beforeURL: nil, after: file, evidence: .noLiveAvatar))
            } else if !judged.inSync {
                changes.append(.avatar(.update, beforeURL: live.avatarURL, after: file, evidence: judged.evidence))
            }
        }

        return Plan(file: desired.file, subject: subject, owner: live.owner, computedAt: now, desired: desired,
                    liveFields: LiveFingerprint.fields(of: live, managing: desired, now: now),
                    changes: changes, warnings: warnings, avatarAssessment: avatarAssessment)
    }
}
