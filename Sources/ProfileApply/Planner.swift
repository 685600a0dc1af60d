#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PachcaAPI
import ProfileCore

/// Reads top to bottom like the SPEC: desired (given), live, avatar evidence, changes, plan.
public struct Planner: Sendable {
    public let client: PachcaClient
    public let subject: Subject

    public init(client: PachcaClient, subject: Subject = .me) {
        self.client = client; self.subject = subject
    }

    public func plan(desired: DesiredState, stateStore: StateStore, now: Date) async throws -> Plan {
        let live = try await LiveReader(client: client, subject: subject).read()
        // The record matters only for a managed avatar; then a broken one is worth a warning.
        let (record, recordWarning) = desired.avatar.value == nil ? (nil, nil) : stateStore.loadReporting()
        let assessment = await AvatarProver(client: client).assess(desired: desired, live: live, record: record)
        var plan = Differ.plan(desired: desired, live: live, avatar: assessment, now: now, subject: subject)
        if let recordWarning { plan.warnings.append(recordWarning) }
        return plan
    }
}
