import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Issue 19: who a `user:` is, against a workspace or server that makes it hard.
@Suite(.awaitsTeardown) struct HostileIdentityTests {
    static func start(people: [SeedPerson], hostile: HostileBehaviour = HostileBehaviour(), generate: Int = 0) async throws -> Harness {
        let h = try await Harness.start { c in
            c.workspace = WorkspaceSeed(people: people, generate: generate, generatorKey: 7)
            c.hostile = hostile
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        return h
    }

    /// `user: an` was "nobody" when 50 others contain "an": only the first page of the
    /// `?query=` search was read.
    @Test func theExactLookupReadsEveryPageOfTheSearch() async throws {
        let annas = (1...70).map { i in
            SeedPerson(user: SeedUser(id: 4000 + i, firstName: "Anna", lastName: "N\(i)", nickname: "anna\(i)", email: "anna\(i)@example.com"))
        }
        let an = SeedPerson(user: SeedUser(id: 4100, firstName: "Ян", lastName: "Ли", nickname: "an", email: "yan@example.com"))
        let h = try await Self.start(people: annas + [an])
        try await withTeardown(h) {
            try h.write("team/an.yaml", "user: an\nstatus: {emoji: \"💻\", title: Work}\n")
            let plan = try await h.run(["plan", "team"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("id 4100"), "\(plan.stdout)")
            // One page of /users, then the search's two pages (71 matches of "an").
            let calls = await h.apiCalls()
            #expect(calls.filter { $0.hasPrefix("GET /users") }.count == 3, "\(calls)")
        }
    }

    /// Past 1,000 search results the lookup pages `/users` instead of concluding "nobody".
    @Test func aSearchTooLongToReadFallsBackToTheListing() async throws {
        let annas = (1...1_020).map { i in
            SeedPerson(user: SeedUser(id: 10_000 + i, firstName: "Anna", lastName: "N\(i)", nickname: "anna\(i)", email: "anna\(i)@example.com"))
        }
        let an = SeedPerson(user: SeedUser(id: 20_000, firstName: "Ян", lastName: "Ли", nickname: "an", email: "yan@example.com"))
        let h = try await Self.start(people: annas + [an])
        try await withTeardown(h) {
            try h.write("team/an.yaml", "user: an\nstatus: {emoji: \"💻\", title: Work}\n")
            let plan = try await h.run(["plan", "--rate", "1000", "team"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("id 20000"), "\(plan.stdout)")
            // The first page, 20 search pages, then the whole listing (1,022 people: 21 pages).
            let calls = await h.apiCalls().filter { $0.hasPrefix("GET /users") }
            #expect(calls.count == 1 + 20 + 21, "\(calls.count)")
        }
    }

    /// A server that ignores `limit` and answers pages of 500 people is refused, not read whole.
    @Test func pagesLargerThanAskedAreRefused() async throws {
        let h = try await Self.start(people: [], hostile: HostileBehaviour(usersPageSize: 500), generate: 600)
        try await withTeardown(h) {
            try h.write("team/x.yaml", "user: nobody-here@example.com\nstatus: null\n")
            let plan = try await h.run(["plan", "team"])
            #expect(plan.exitCode == 1, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stderr.contains("a page of 500 people, more than the 50 asked for"), "\(plan.stderr)")
            #expect(await h.writes().isEmpty)
        }
    }

    /// A person deleted after the plan: said plainly, not "is there a Pachca API at this URL?".
    @Test func aDeletedPersonIsNotFound() async throws {
        let anna = SeedPerson(user: SeedUser(id: 3001, firstName: "Anna", nickname: "anna", email: "anna@example.com"))
        let h = try await Self.start(people: [anna], generate: 10)
        try await withTeardown(h) {
            try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"💻\", title: Work}\n")
            let plan = try await h.run(["plan", "--out", "plan.json", "team"])
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            await h.emulator.removePerson(id: 3001)
            let apply = try await h.run(["apply", "--plan", "plan.json"])
            #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
            let all = apply.stdout + apply.stderr
            #expect(all.contains("person 3001 not found: GET /users/3001 answered 404"), "\(all)")
            #expect(await h.writes().isEmpty)
        }
    }
}

func withTeardown(_ h: Harness, _ body: () async throws -> Void) async throws {
    do { try await body(); await h.stop() } catch { await h.stop(); throw error }
}
