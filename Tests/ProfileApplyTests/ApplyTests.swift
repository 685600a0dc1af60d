import Foundation
import PachcaAPI
import PachcaEmulator
import ProfileApply
import ProfileCore
import TestTeardown
import Testing

/// Planner, Executor and SavedPlan over real HTTP against the in-process emulator.
@Suite(.awaitsTeardown) struct ApplyTests {
    /// A run of one file, planned by the one planner.
    func plan(_ state: DesiredState, _ client: PachcaClient) async throws -> RunPlan {
        try await Planner(client: client).plan([state], state: Self.records(client), now: Date())
    }

    /// A state store of this emulator's own (its port is unique while it runs).
    static func records(_ client: PachcaClient) -> StateLocation {
        StateLocation(directory: FileManager.default.temporaryDirectory.path + "/pachca-apply-state-\(client.configuration.baseURL.port ?? 0)",
                      apiURL: client.configuration.baseURL)
    }

    @Test func applyThenPlanIsInSync() async throws {
        try await withEmulator { emulator, client, folder in
            try Data(png(variant: 4)).write(to: folder.appendingPathComponent("me.png"))
            let state = try desired("status: {emoji: \"💻\", title: Working}\navatar: me.png\n", in: folder)
            let run = try await plan(state, client)
            let first = try #require(run.single?.plan)
            #expect(first.changes.map(\.action) == [.create, .create])
            let result = await Executor(client: client, state: Self.records(client)).apply(run)
            #expect(result.succeeded)
            let again = try #require(try await plan(state, client).single?.plan)
            #expect(!again.hasChanges)
            #expect(again.avatarAssessment?.evidence == .stateRecord)
            #expect(await emulator.currentStatus()?.title == "Working")
        }
    }

    @Test func aLostAnswerIsSettledByReReading() async throws {
        try await withEmulator { emulator, client, folder in
            let state = try desired("status: {emoji: \"💻\", title: Working}\n", in: folder)
            let run = try await plan(state, client)
            await emulator.injectFault(.wrongShapeAfterHandling, method: "PUT", path: "/profile/status")
            let result = await Executor(client: client, state: Self.records(client)).apply(run)
            let report = try #require(result.report(for: state.file))
            #expect(report.succeeded)
            #expect(report.outcomes.first?.note?.contains("the re-read profile shows it applied") == true)
        }
    }

    @Test func aRefusedWriteIsTypedAsAuthorization() async throws {
        try await withEmulator { emulator, client, folder in
            let state = try desired("status: {emoji: \"💻\", title: Working}\n", in: folder)
            let run = try await plan(state, client)
            await emulator.injectFault(.status(401), method: "PUT", path: "/profile/status")
            let result = await Executor(client: client, state: Self.records(client)).apply(run)
            #expect(result.authorizationFailed)
            #expect(try #require(result.report(for: state.file)).applied.isEmpty)
        }
    }

    @Test func savedPlanIsBoundAndPortable() async throws {
        try await withEmulator(configure: { c in
            c.tokens.append(TokenGrant(token: "someone-else-token-5e2a", scopes: EmulatorConfiguration.allProfileScopes, userID: 77))
        }) { emulator, client, folder in
            let state = try desired("status: {emoji: \"💻\", title: Working}\n", in: folder)
            let run = try await plan(state, client)
            let out = folder.appendingPathComponent("plans/plan.json").path
            try FileManager.default.createDirectory(atPath: folder.appendingPathComponent("plans").path, withIntermediateDirectories: true)
            try await SavedPlan.save(run, client: client, to: out)
            let loaded = try SavedPlan.load(out)
            #expect(loaded.binding.tokenOwnerID == SeedUser.defaultID)
            let file = try #require(loaded.plans.first?.file)
            #expect(URL(fileURLWithPath: file).standardizedFileURL.path == URL(fileURLWithPath: state.file).standardizedFileURL.path)
            _ = try await SavedPlan.checkCurrent(loaded, path: out, client: client, now: Date(),
                                                 tokenInfo: Task { try await client.tokenInfo().info })

            let other = try PachcaClient(ClientConfiguration(baseURL: emulator.baseURL, token: APIToken("someone-else-token-5e2a")))
            await #expect(throws: SavedPlan.Failure.self) {
                _ = try await SavedPlan.checkCurrent(loaded, path: out, client: other, now: Date(),
                                                     tokenInfo: Task { try await other.tokenInfo().info })
            }
            #expect(await emulator.journal().allSatisfy { $0.method == "GET" })
        }
    }

    @Test func missingFolderIsNamedWhenSaving() async throws {
        try await withEmulator { _, client, folder in
            let state = try desired("status: null\n", in: folder)
            let run = try await plan(state, client)
            let out = folder.appendingPathComponent("missing/plan.json").path
            do {
                try await SavedPlan.save(run, client: client, to: out)
                Issue.record("saving into a missing folder must fail")
            } catch {
                #expect(String(describing: error).contains("the folder \(folder.appendingPathComponent("missing").path) does not exist"))
            }
        }
    }
}
