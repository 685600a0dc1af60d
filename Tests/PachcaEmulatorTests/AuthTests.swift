import Foundation
import Testing
import TestTeardown
@testable import PachcaEmulator

@Suite(.awaitsTeardown) struct AuthTests {
    @Test func missingTokenIs401InvalidToken() async throws {
        let e = try await startEmulator()
        let w = try await send("GET", api(e, "/profile"), token: nil)
        #expect(w.status == 401)
        #expect(Set(w.object.keys) == ["error", "error_description"])
        #expect(w.object["error"] as? String == "invalid_token")
        #expect(!((w.object["error_description"] as? String) ?? "").isEmpty)
    }

    @Test func unknownTokenIs401() async throws {
        let e = try await startEmulator()
        let w = try await send("GET", api(e, "/profile/status"), token: "not-a-real-token-000000")
        #expect(w.status == 401)
        #expect(w.object["error"] as? String == "invalid_token")
    }

    static let scoped: [(String, String, String)] = [
        ("GET", "/profile", "profile:read"),
        ("GET", "/profile/status", "profile_status:read"),
        ("PUT", "/profile/status", "profile_status:write"),
        ("DELETE", "/profile/status", "profile_status:write"),
        ("PUT", "/profile/avatar", "profile_avatar:write"),
        ("DELETE", "/profile/avatar", "profile_avatar:write"),
        ("GET", "/custom_properties?entity_type=User", "custom_properties:read"),
    ]

    @Test func eachPathNeedsItsScopeAnd403NamesIt() async throws {
        let e = try await startEmulator()
        for (method, path, scope) in Self.scoped {
            let token = "token-without-\(scope)-0000"
            await e.setTokenScopes(token: token, scopes: EmulatorConfiguration.allProfileScopes.filter { $0 != scope })
            let body: Data? = method == "PUT" ? Data(#"{"status":{"emoji":"🎮","title":"x"}}"#.utf8) : nil
            let w = try await send(method, api(e, path), token: token, body: body)
            #expect(w.status == 403, "\(method) \(path)")
            #expect(Set(w.object.keys) == ["error", "error_description"])
            #expect(w.object["error"] as? String == "insufficient_scope")
            #expect((w.object["error_description"] as? String)?.contains(scope) == true, "\(method) \(path)")
            if method == "PUT" && path == "/profile/status" { #expect(await e.currentStatus() == nil) }
            // The demo token has every scope, so the same call gets past authorization.
            let ok = try await send(method, api(e, path), body: body)
            #expect(ok.status != 403 && ok.status != 401, "\(method) \(path)")
        }
    }

    @Test func tokenInfoNeedsNoScopeAndMasksTheToken() async throws {
        let e = try await startEmulator()
        let bare = "cH5kR9mNzzzzzzzzzzzzx7Qp"
        await e.setTokenScopes(token: bare, scopes: [])
        let w = try await send("GET", api(e, "/oauth/token/info"), token: bare)
        #expect(w.status == 200)
        #expect(Set(w.data.keys) == ["id", "token", "name", "user_id", "scopes", "created_at", "revoked_at",
                                     "expires_in", "last_used_at"])
        #expect(w.data["token"] as? String == "cH5kR9mN...x7Qp")
        #expect(w.data["scopes"] as? [String] == [])
        #expect(w.data["revoked_at"] is NSNull)
        #expect(w.data["expires_in"] is NSNull)
        #expect(!w.text.contains(bare))
        let demo = try await send("GET", api(e, "/oauth/token/info"))
        #expect(Set(demo.data["scopes"] as? [String] ?? []) == Set(EmulatorConfiguration.allProfileScopes))
        #expect(demo.data["token"] as? String == "demo-tok...cdef")
    }

    @Test func customPropertiesListsDefinitions() async throws {
        let e = try await startEmulator()
        let w = try await send("GET", api(e, "/custom_properties?entity_type=User"))
        #expect(w.status == 200)
        let defs = w.object["data"] as? [[String: Any]] ?? []
        #expect(defs.count == 1)
        #expect(Set(defs.first?.keys.map { $0 } ?? []) == ["id", "name", "data_type"])
        let missing = try await send("GET", api(e, "/custom_properties"))
        #expect(missing.status == 400)
        #expect(missing.errors.first?["key"] as? String == "entity_type")
        let journal = await e.journal()
        #expect(journal.first?.query == "entity_type=User")
    }

    @Test func rateLimitAnswers429WithRetryAfterPerToken() async throws {
        var config = EmulatorConfiguration()
        config.rateLimitPerSecond = 3
        config.tokens.append(TokenGrant(token: "second-token-000000000", scopes: EmulatorConfiguration.allProfileScopes))
        let e = try await startEmulator(config)
        for _ in 0..<3 { #expect(try await send("GET", api(e, "/profile/status")).status == 200) }
        let limited = try await send("GET", api(e, "/profile/status"))
        #expect(limited.status == 429)
        let retry = Int(limited.headers["retry-after"] ?? "")
        #expect(retry != nil && retry! >= 1)
        #expect(limited.errors.first?["code"] as? String == "rate_limit")
        // Another token has its own budget.
        #expect(try await send("GET", api(e, "/profile/status"), token: "second-token-000000000").status == 200)
        // After the window slides (clock advanced, no sleeping), the first token passes again.
        e.advanceClock(by: Double(retry ?? 1) + 0.01)
        #expect(try await send("GET", api(e, "/profile/status")).status == 200)
        let statuses = await e.journal().map(\.status)
        #expect(statuses.filter { $0 == 429 }.count == 1)
    }

    @Test func everyResponseCarriesADateHeaderFromTheEmulatorClock() async throws {
        let e = try await startEmulator(clock: .manual(Date(timeIntervalSince1970: 1_741_600_000)))
        for w in [try await send("GET", api(e, "/profile")), try await send("GET", api(e, "/profile"), token: nil),
                  try await send("GET", api(e, "/nope"))] {
            #expect(w.headers["date"] == "Mon, 10 Mar 2025 09:46:40 GMT")
        }
    }
}
