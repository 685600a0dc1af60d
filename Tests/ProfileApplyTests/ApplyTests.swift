import Foundation
import PachcaAPI
import PachcaEmulator
import ProfileApply
import ProfileCore
import Testing

/// Planner, Executor and SavedPlan over real HTTP against the in-process emulator.
@Suite struct ApplyTests {
    @Test func applyThenPlanIsInSync() async throws {
        try await withEmulator { emulator, client, folder in
            try Data(png(variant: 4)).write(to: folder.appendingPathComponent("me.png"))
            let state = try desired("status: {emoji: \"💻\", title: Working}\navatar: me.png\n", in: folder)
            let store = StateStore(profilePath: state.file, override: nil)
            let plan = try await Planner(client: client).plan(desired: state, stateStore: store, now: Date())
            #expect(plan.changes.map(\.action) == [.create, .create])
            let report = await Executor(client: client, stateStore: store).apply(plan)
            #expect(report.succeeded)
            let again = try await Planner(client: client).plan(desired: state, stateStore: store, now: Date())
            #expect(!again.hasChanges)
            #expect(again.avatarAssessment?.evidence == .stateRecord)
            #expect(await emulator.currentStatus()?.title == "Working")
        }
    }

    @Test func aLostAnswerIsSettledByReReading() async throws {
        try await withEmulator { emulator, client, folder in
            let state = try desired("status: {emoji: \"💻\", title: Working}\n", in: folder)
            let store = StateStore(profilePath: state.file, override: nil)
            let plan = try await Planner(client: client).plan(desired: state, stateStore: store, now: Date())
            await emulator.injectFault(.wrongShapeAfterHandling, method: "PUT", path: "/profile/status")
            let report = await Executor(client: client, stateStore: store).apply(plan)
            #expect(report.succeeded)
            #expect(report.outcomes.first?.note?.contains("the re-read profile shows it applied") == true)
        }
    }

    @Test func aRefusedWriteIsTypedAsAuthorization() async throws {
        try await withEmulator { emulator, client, folder in
            let state = try desired("status: {emoji: \"💻\", title: Working}\n", in: folder)
            let store = StateStore(profilePath: state.file, override: nil)
            let plan = try await Planner(client: client).plan(desired: state, stateStore: store, now: Date())
            await emulator.injectFault(.status(401), method: "PUT", path: "/profile/status")
            let report = await Executor(client: client, stateStore: store).apply(plan)
            #expect(report.authorizationFailed)
            #expect(report.applied.isEmpty)
        }
    }

    @Test func savedPlanIsBoundAndPortable() async throws {
        try await withEmulator(configure: { c in
            c.tokens.append(TokenGrant(token: "someone-else-token-5e2a", scopes: EmulatorConfiguration.allProfileScopes, userID: 77))
        }) { emulator, client, folder in
            let state = try desired("status: {emoji: \"💻\", title: Working}\n", in: folder)
            let plan = try await Planner(client: client).plan(desired: state, stateStore: StateStore(profilePath: state.file, override: nil), now: Date())
            let binding = try await SavedPlan.binding(client: client, plan: plan)
            #expect(binding.tokenOwnerID == SeedUser.defaultID)
            let out = folder.appendingPathComponent("plans/plan.json").path
            try FileManager.default.createDirectory(atPath: folder.appendingPathComponent("plans").path, withIntermediateDirectories: true)
            try SavedPlan.save(plan, binding: binding, to: out)
            let loaded = try SavedPlan.load(out)
            #expect(URL(fileURLWithPath: loaded.file).standardizedFileURL.path == URL(fileURLWithPath: state.file).standardizedFileURL.path)
            _ = try await SavedPlan.checkCurrent(loaded, path: out, client: client, now: Date())

            let other = try PachcaClient(ClientConfiguration(baseURL: emulator.baseURL, token: APIToken("someone-else-token-5e2a")))
            await #expect(throws: SavedPlan.Failure.self) {
                _ = try await SavedPlan.checkCurrent(loaded, path: out, client: other, now: Date())
            }
            #expect(await emulator.journal().allSatisfy { $0.method == "GET" })
        }
    }

    @Test func missingFolderIsNamedWhenSaving() async throws {
        try await withEmulator { _, client, folder in
            let state = try desired("status: null\n", in: folder)
            let plan = try await Planner(client: client).plan(desired: state, stateStore: StateStore(profilePath: state.file, override: nil), now: Date())
            let binding = PlanBinding(apiURL: "https://x", tokenOwnerID: 1, subjectIDs: [1])
            let out = folder.appendingPathComponent("missing/plan.json").path
            do {
                try SavedPlan.save(plan, binding: binding, to: out)
                Issue.record("saving into a missing folder must fail")
            } catch {
                #expect(String(describing: error).contains("the folder \(folder.appendingPathComponent("missing").path) does not exist"))
            }
        }
    }
}
