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
        let assessment = await AvatarProver(client: client).assess(desired: desired, live: live, record: stateStore.load())
        return Differ.plan(desired: desired, live: live, avatar: assessment, now: now, subject: subject)
    }
}
