import Support

/// `plan --out` / `apply --plan`: the plan as a JSON artifact, and the stale check.
public enum PlanFile {
    /// The saved plan file (`docs/schemas/saved-plan.schema.json`): the one JSON policy, pretty-printed
    /// for review as a CI artifact.
    public static func encode(_ plan: Plan) throws -> Data {
        Data((try JSONDocument.encode(plan, pretty: true) + "\n").utf8)
    }

    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case notJSON(String)
        case unsupportedVersion(String)
        case unbound
        public var description: String {
            switch self {
            case .notJSON(let detail): "not a saved plan (\(detail))"
            case .unsupportedVersion(let version):
                "plan format version \(version) is not supported (expected \(Plan.currentFormatVersion)); run plan --out again"
            case .unbound: "the plan does not say which API, token owner and person it was made for; run plan --out again"
            }
        }
    }

    public static func decode(_ data: Data) throws(DecodeError) -> Plan {
        struct Version: Decodable { var formatVersion: String? }
        let decoder = JSONDocument.decoder()
        let version: String?
        do { version = try decoder.decode(Version.self, from: data).formatVersion } catch {
            throw .notJSON("not a JSON object")
        }
        guard version == Plan.currentFormatVersion else { throw .unsupportedVersion(version ?? "(none)") }
        let plan: Plan
        do { plan = try decoder.decode(Plan.self, from: data) } catch {
            throw .notJSON(JSONDocument.describe(error))
        }
        guard plan.binding != nil else { throw .unbound }
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
