import Foundation
import TestTeardown
import Testing
@testable import PachcaEmulator

/// §7/§9: the `/users` endpoints of a workspace, with the admin scopes, over real HTTP.
@Suite(.awaitsTeardown) struct WorkspaceTests {
    static let adminScopes = EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all

    static func config(generate: Int = 0, people: [SeedPerson] = [], scopes: [String] = adminScopes) -> EmulatorConfiguration {
        var c = EmulatorConfiguration(tokens: [TokenGrant(token: demoToken, scopes: scopes)])
        c.rateLimitPerSecond = 0
        c.workspace = WorkspaceSeed(people: people, generate: generate, generatorKey: 7)
        return c
    }

    static let anna = SeedPerson(user: SeedUser(id: 2001, firstName: "Anna", lastName: "Ivanova", nickname: "anna",
                                                email: "anna@example.com", timeZone: "Asia/Yekaterinburg"),
                                 status: SeedStatus(emoji: "💻", title: "Работаю"))
    static let boris = SeedPerson(user: SeedUser(id: 2002, firstName: "Boris", lastName: "Petrov", nickname: "boris",
                                                 email: "boris@example.com", suspended: true, timeZone: nil))

    @Test func pagesOfFiftyCoverEveryoneOnceInIdOrderWithTheOwnerAmongThem() async throws {
        let e = try await startEmulator(Self.config(generate: 120))
        var ids: [Int] = [], cursor: String?, pages = 0
        repeat {
            let w = try await send("GET", api(e, "/users" + (cursor.map { "?cursor=\($0)" } ?? "")))
            #expect(w.status == 200)
            let data = (w.object["data"] as? [[String: Any]]) ?? []
            let paginate = ((w.object["meta"] as? [String: Any])?["paginate"] as? [String: Any]) ?? [:]
            #expect(data.count <= 50)
            ids += data.compactMap { $0["id"] as? Int }
            cursor = (paginate["has_next"] as? Bool) == true ? paginate["next_page"] as? String : nil
            #expect(paginate["next_page"] is String)
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)  // 121 people: 50 + 50 + 21
        #expect(ids.count == 121)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(ids.contains(SeedUser.defaultID))
        let journal = await e.journal()
        #expect(journal.map(\.apiPath) == Array(repeating: "/users", count: 3))
    }

    @Test func limitAndQueryFilterAndBadParametersAreRefused() async throws {
        let e = try await startEmulator(Self.config(people: [Self.anna, Self.boris]))
        let one = try await send("GET", api(e, "/users?limit=1"))
        #expect((one.object["data"] as? [Any])?.count == 1)
        let byEmail = try await send("GET", api(e, "/users?query=ANNA@example"))
        #expect(((byEmail.object["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int } == [2001])
        let byNick = try await send("GET", api(e, "/users?query=bor"))
        #expect(((byNick.object["data"] as? [[String: Any]]) ?? []).compactMap { $0["nickname"] as? String } == ["boris"])
        for bad in ["/users?limit=0", "/users?limit=51", "/users?limit=x", "/users?cursor=%21%21"] {
            let w = try await send("GET", api(e, bad))
            #expect(w.status == 400, "\(bad)")
            #expect(w.errors.first?["code"] as? String == "invalid")
        }
    }

    @Test func aPersonCarriesTheUserSchemaWithStatusTimeZoneAndSuspension() async throws {
        let e = try await startEmulator(Self.config(people: [Self.anna, Self.boris]))
        let w = try await send("GET", api(e, "/users/2001"))
        #expect(w.status == 200)
        #expect(Set(w.data.keys) == ["id", "first_name", "last_name", "nickname", "email", "phone_number", "department",
                                     "title", "role", "suspended", "invite_status", "inviter_id", "list_tags",
                                     "custom_properties", "user_status", "bot", "sso", "created_at", "last_activity_at",
                                     "time_zone", "image_url"])
        #expect(w.data["time_zone"] as? String == "Asia/Yekaterinburg")
        #expect((w.data["user_status"] as? [String: Any])?["title"] as? String == "Работаю")
        #expect(w.data["image_url"] is NSNull)
        let b = try await send("GET", api(e, "/users/2002"))
        #expect(b.data["suspended"] as? Bool == true)
        #expect(b.data["time_zone"] is NSNull)
        #expect(b.data["user_status"] is NSNull)
        let owner = try await send("GET", api(e, "/users/\(SeedUser.defaultID)"))
        #expect(owner.data["nickname"] as? String == "demo")
        for missing in ["/users/9999", "/users/abc", "/users/9999/status"] {
            let m = try await send("GET", api(e, missing))
            #expect(m.status == 404, "\(missing)")
        }
    }

    @Test func statusWritesForOthersValidateLikeTheProfileAndShowInTheUser() async throws {
        let e = try await startEmulator(Self.config(people: [Self.anna, Self.boris]))
        let body = try JSONSerialization.data(withJSONObject: ["status": ["emoji": "🏖️", "title": "В отпуске", "is_away": true]])
        let put = try await send("PUT", api(e, "/users/2001/status"), body: body)
        #expect(put.status == 200)
        #expect(put.data["title"] as? String == "В отпуске")
        let get = try await send("GET", api(e, "/users/2001/status"))
        #expect(canon(get.data) == canon(put.data))
        let user = try await send("GET", api(e, "/users/2001"))
        #expect(canon(user.data["user_status"] ?? NSNull()) == canon(put.data))
        // The owner's own profile is untouched.
        #expect(try await send("GET", api(e, "/profile/status")).text == "null")

        let bad = try await send("PUT", api(e, "/users/2001/status"), body: Data(#"{"status":{"emoji":"ok","title":""}}"#.utf8))
        #expect(bad.status == 422)
        #expect(Set(bad.errors.compactMap { $0["key"] as? String }) == ["status.emoji", "status.title"])

        #expect(try await send("DELETE", api(e, "/users/2001/status")).status == 204)
        #expect(try await send("GET", api(e, "/users/2001/status")).text == "null")
        // A suspended person cannot be written.
        #expect(try await send("PUT", api(e, "/users/2002/status"), body: body).status == 422)
        // The owner through /users is the same profile as /profile.
        #expect(try await send("PUT", api(e, "/users/\(SeedUser.defaultID)/status"), body: body).status == 200)
        #expect(try await send("GET", api(e, "/profile/status")).data["title"] as? String == "В отпуске")
        let journal = await e.journal()
        #expect(journal.first { $0.method == "PUT" }?.requestBody?.contains("В отпуске") == true)
    }

    @Test(.enabled(if: curlAvailable, "curl is missing"))
    func avatarUploadForAnotherPersonIsServedAtItsImageURL() async throws {
        let e = try await startEmulator(Self.config(people: [Self.anna]))
        let png = pngLikeBytes(size: 3000)
        let file = try writeTemp(png, name: "anna.png")
        let (exit, w) = try await curl(["-X", "PUT", "-H", "Authorization: Bearer \(demoToken)",
                                        "-F", "image=@\(file.path);type=image/png", api(e, "/users/2001/avatar").absoluteString])
        #expect(exit == 0)
        #expect(w.status == 200)
        let url = try #require(w.data["image_url"] as? String)
        #expect(try await send("GET", api(e, "/users/2001")).data["image_url"] as? String == url)
        #expect(try await send("GET", api(e, "/profile")).data["image_url"] is NSNull)
        let served = try await send("GET", URL(string: url)!, token: nil)
        #expect(served.status == 200)
        #expect([UInt8](served.body) == png)
        #expect(try await send("DELETE", api(e, "/users/2001/avatar")).status == 204)
        #expect(try await send("GET", api(e, "/users/2001")).data["image_url"] is NSNull)
        #expect(try await send("GET", URL(string: url)!, token: nil).status == 404)
    }

    @Test(arguments: [
        ("GET", "/users", WorkspaceScopes.read),
        ("GET", "/users/2001", WorkspaceScopes.read),
        ("GET", "/users/2001/status", WorkspaceScopes.statusRead),
        ("PUT", "/users/2001/status", WorkspaceScopes.statusWrite),
        ("DELETE", "/users/2001/status", WorkspaceScopes.statusWrite),
        ("DELETE", "/users/2001/avatar", WorkspaceScopes.avatarWrite),
    ])
    func eachEndpointNeedsItsAdminScope(_ method: String, _ path: String, _ scope: String) async throws {
        let scopes = Self.adminScopes.filter { $0 != scope }
        let e = try await startEmulator(Self.config(people: [Self.anna], scopes: scopes))
        let body = method == "PUT" ? Data(#"{"status":{"emoji":"💻","title":"x"}}"#.utf8) : nil
        let w = try await send(method, api(e, path), body: body)
        #expect(w.status == 403)
        #expect(w.object["error"] as? String == "insufficient_scope")
        #expect((w.object["error_description"] as? String)?.contains(scope) == true)
        await e.setTokenScopes(token: demoToken, scopes: Self.adminScopes)
        #expect(try await send(method, api(e, path), body: body).status < 300)
    }

    @Test func thePerTokenRateLimitCountsUsersCallsToo() async throws {
        var c = Self.config(people: [Self.anna])
        c.rateLimitPerSecond = 3
        let e = try await startEmulator(c)
        var codes: [Int] = []
        for _ in 0..<4 { codes.append(try await send("GET", api(e, "/users/2001")).status) }
        #expect(codes == [200, 200, 200, 429])
        let journal = await e.journal()
        #expect(journal.last?.status == 429)
    }

    @Test func tenThousandPeopleStartInWellUnderASecondAndAreDeterministic() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let e = try await startEmulator(Self.config(generate: 10_000))
        let elapsed = clock.now - started
        #expect(elapsed < .milliseconds(500), "start took \(elapsed)")
        let last = try await send("GET", api(e, "/users/\(SeedUser.defaultID + 10_000)"))
        #expect(last.status == 200)
        let a = Workspace.generated(count: 300, firstID: 5000, key: 7), b = Workspace.generated(count: 300, firstID: 5000, key: 7)
        #expect(a == b)
        #expect(Set(a.map(\.user.nickname)).count == 300)
        #expect(a.contains { $0.user.suspended } && a.contains { $0.user.bot } && a.contains { $0.status != nil })
        #expect(Set(a.map(\.user.timeZone)).count > 3)
    }

    @Test func aSeedFileDescribesPeopleAndAGeneratedCrowd() throws {
        let json = #"""
        {"workspace": {"generate": 5, "generator_key": 3,
          "people": [{"id": 2001, "nickname": "anna", "email": "anna@example.com", "time_zone": "Asia/Dubai",
                      "status": {"emoji": "💻", "title": "Работаю"}}]}}
        """#
        let c = try EmulatorConfiguration.decode(seedJSON: Data(json.utf8))
        #expect(c.workspace?.generate == 5)
        #expect(c.workspace?.generatorKey == 3)
        #expect(c.workspace?.people.first?.user.nickname == "anna")
        #expect(c.workspace?.people.first?.user.timeZone == "Asia/Dubai")
        #expect(c.workspace?.people.first?.status?.title == "Работаю")
        #expect(throws: (any Error).self) {
            try EmulatorConfiguration.decode(seedJSON: Data(#"{"workspace":{"generate":-1}}"#.utf8))
        }
    }
}
