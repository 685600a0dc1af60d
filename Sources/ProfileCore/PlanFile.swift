#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `plan --out` / `apply --plan`: the plan as a JSON artifact, and the stale check.
public enum PlanFile {
    public static func encode(_ plan: Plan) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970  // exact, unlike .iso8601 which drops milliseconds
        return try encoder.encode(plan) + Data("\n".utf8)
    }

    public static func decode(_ data: Data) throws -> Plan {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let plan = try decoder.decode(Plan.self, from: data)
        guard plan.formatVersion == Plan.currentFormatVersion else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "plan format version \(plan.formatVersion) is not supported (expected \(Plan.currentFormatVersion))"))
        }
        return plan
    }

    /// What changed since a saved plan was computed: live fields (normalized) and the avatar
    /// file's content. Empty means the plan is still current.
    public static func staleness(of plan: Plan, live: LiveState, now: Date, avatarFileSHA256: String?) -> [String] {
        let current = LiveFingerprint.fields(of: live, managing: plan.desired, now: now)
        var changed = LiveFingerprint.changedFields(from: plan.liveFields, to: current)
        if case .value(let file) = plan.desired.avatar, avatarFileSHA256 != file.sha256 {
            changed.append("avatar file \(file.declaredPath)")
        }
        // The schedule moved on: the plan's status is no longer the one the file asks for now.
        if let next = plan.nextChangeAt, next <= now {
            changed.append("schedule (the desired status changed at \(Timestamp.canonical(next)))")
        }
        return changed
    }
}
