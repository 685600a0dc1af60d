import Foundation
import TestTeardown
import Testing
@testable import PachcaEmulator

/// Issue 19's hostile workspace modes: pages larger than asked, a person deleted mid-run.
@Suite(.awaitsTeardown) struct HostileWorkspaceTests {
    @Test func oversizedPagesIgnoreTheLimit() async throws {
        var c = WorkspaceTests.config(generate: 120)
        c.hostile = HostileBehaviour(usersPageSize: 100)
        let e = try await startEmulator(c)
        let w = try await send("GET", api(e, "/users?limit=50"))
        #expect((w.object["data"] as? [Any])?.count == 100)
        let decoded = try JSONDecoder().decode(HostileBehaviour.self, from: Data(#"{"usersPageSize": 7}"#.utf8))
        #expect(decoded.usersPageSize == 7)
    }

    @Test func aRemovedPersonIsNotFoundAnywhere() async throws {
        let e = try await startEmulator(WorkspaceTests.config(people: [WorkspaceTests.anna, WorkspaceTests.boris]))
        #expect(try await send("GET", api(e, "/users/2001")).status == 200)
        await e.removePerson(id: 2001)
        for path in ["/users/2001", "/users/2001/status"] {
            #expect(try await send("GET", api(e, path)).status == 404, "\(path)")
        }
        #expect(try await send("GET", api(e, "/users/2002")).status == 200)
        let listed = try await send("GET", api(e, "/users"))
        #expect(((listed.object["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }.contains(2001) == false)
    }
}
