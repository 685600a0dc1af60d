import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FlyingFox
import TestTeardown
import Testing
@testable import PachcaAPI
import Timekeeping

@Suite(.awaitsTeardown) struct ClientTests {
    @Test func sendsBearerTokenAndDecodesProfileAndStatusConcurrently() async throws {
        let server = try await ScriptedServer { request, _ in
            switch request.path {
            case "/api/v1/profile": return json(200, profileJSON)
            case "/api/v1/profile/status": return json(200, statusJSON)
            default: return empty(404)
            }
        }
        // Trailing slash on the base is harmless.
        let client = try makeClient(URL(string: "http://127.0.0.1:\(server.port)/api/v1/")!)
        async let profile = client.profile(.me)
        async let status = client.status(.me)
        let (user, live) = try await (profile, status)
        #expect(user.id == 42)
        #expect(user.nickname == "ada")
        #expect(user.email == nil)
        #expect(live?.title == "В отпуске")
        #expect(live?.awayMessage?.text == "back soon")
        #expect(live?.isAway == true)
        #expect(live?.expiresAtDate == Date(timeIntervalSince1970: 1_741_640_399))
        let seen = await server.log.requests
        #expect(seen.count == 2)
        for r in seen {
            #expect(r.headers["authorization"] == "Bearer \(secretToken)")
            #expect(r.method == "GET")
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        let server = try await ScriptedServer { _, _ in json(200, profileJSON) }
        let client = try makeClient(server.baseURL)
        for _ in 0..<3 { _ = try await client.profile(.me) }
        let ports = Set(await server.log.requests.compactMap(\.remotePort))
        #expect(ports.count == 1)
    }

    @Test(arguments: ["null", " null\n", #"{"data":null}"#])
    func noStatusDecodesAsNil(body: String) async throws {
        let server = try await ScriptedServer { _, _ in json(200, body) }
        let status = try await makeClient(server.baseURL).status(.me)
        #expect(status == nil)
    }

    @Test func userSubjectUsesUsersPaths() async throws {
        let server = try await ScriptedServer { request, _ in
            request.method == "GET" ? json(200, request.path.hasSuffix("status") ? "null" : profileJSON) : empty(204)
        }
        let client = try makeClient(server.baseURL)
        _ = try await client.profile(.user(id: 7))
        _ = try await client.status(.user(id: 7))
        try await client.deleteStatus(.user(id: 7))
        try await client.deleteAvatar(.user(id: 7))
        let seen = await server.log.requests.map { "\($0.method) \($0.path)" }
        #expect(seen == ["GET /users/7", "GET /users/7/status", "DELETE /users/7/status", "DELETE /users/7/avatar"])
    }

    @Test func putStatusOmitsNilFieldsAndFormatsExpiry() async throws {
        let server = try await ScriptedServer { _, _ in json(200, statusJSON) }
        let client = try makeClient(server.baseURL)
        _ = try await client.putStatus(.me, WireStatusUpdate(emoji: "🏖️", title: "В отпуске"))
        let expiry = Timestamp.parseWire("2025-03-10T23:59:59+03:00")!
        let stored = try await client.putStatus(
            .me, WireStatusUpdate(emoji: "🏖️", title: "t", expiresAt: expiry, isAway: false, awayMessage: "a"))
        #expect(stored.title == "В отпуске")

        let seen = await server.log.requests
        #expect(seen.map(\.method) == ["PUT", "PUT"])
        #expect(seen.allSatisfy { $0.path == "/profile/status" })
        #expect(seen[0].headers["content-type"] == "application/json")
        let minimal = String(decoding: seen[0].body, as: UTF8.self)
        #expect(!minimal.contains("null"))
        let minimalObject = try #require(
            (try JSONSerialization.jsonObject(with: seen[0].body) as? [String: Any])?["status"] as? [String: Any])
        #expect(Set(minimalObject.keys) == ["emoji", "title"])
        #expect(minimalObject["title"] as? String == "В отпуске")

        let full = try #require(
            (try JSONSerialization.jsonObject(with: seen[1].body) as? [String: Any])?["status"] as? [String: Any])
        #expect(Set(full.keys) == ["emoji", "title", "expires_at", "is_away", "away_message"])
        #expect(full["expires_at"] as? String == "2025-03-10T20:59:59.000Z")
        #expect(full["is_away"] as? Bool == false)
        #expect(full["away_message"] as? String == "a")
    }

    @Test func deleteCallsUseDelete() async throws {
        let server = try await ScriptedServer { _, _ in empty(204) }
        let client = try makeClient(server.baseURL)
        try await client.deleteStatus(.me)
        try await client.deleteAvatar(.me)
        let seen = await server.log.requests.map { "\($0.method) \($0.path)" }
        #expect(seen == ["DELETE /profile/status", "DELETE /profile/avatar"])
    }

    @Test func tokenInfoReturnsServerDate() async throws {
        let server = try await ScriptedServer { _, _ in
            json(200, #"{"data":{"id":1,"token":"tok-SECR****a856","name":null,"user_id":42,"scopes":["profile:read","profile_status:read"],"created_at":"2024-01-01T00:00:00.000Z","revoked_at":null,"expires_in":null,"last_used_at":null}}"#,
                 headers: ["Date": "Sun, 06 Nov 1994 08:49:37 GMT"])
        }
        let (info, date) = try await makeClient(server.baseURL).tokenInfo()
        #expect(info.userID == 42)
        #expect(info.scopes == ["profile:read", "profile_status:read"])
        #expect(date == Date(timeIntervalSince1970: 784_111_777))
        #expect(await server.log.requests.first?.path == "/oauth/token/info")
    }

    @Test func customPropertiesSendsEntityType() async throws {
        let server = try await ScriptedServer { _, _ in
            json(200, #"{"data":[{"id":1,"name":"Город","data_type":"string"}]}"#)
        }
        let props = try await makeClient(server.baseURL).customProperties()
        #expect(props == [WireCustomPropertyDefinition(id: 1, name: "Город", dataType: "string")])
        let seen = try #require(await server.log.requests.first)
        #expect(seen.path == "/custom_properties")
        #expect(seen.query["entity_type"] == "User")
    }

    @Test func malformedBodyIsADecodingError() async throws {
        let server = try await ScriptedServer { _, _ in json(200, #"{"data":{"nickname":"x"}}"#) }
        let error = await apiError { _ = try await makeClient(server.baseURL).profile(.me) }
        guard case .decoding(let method, let path, let detail)? = error else {
            Issue.record("expected decoding error, got \(String(describing: error))")
            return
        }
        #expect(method == "GET" && path == "/profile")
        #expect(detail.contains("id"))
    }

    @Test func traceHasOneLinePerAttemptWithoutSecrets() async throws {
        let sink = TraceSink()
        let server = try await ScriptedServer { _, _ in json(200, "null") }
        _ = try await makeClient(server.baseURL, trace: sink).status(.me)
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(line.range(of: #"^GET /profile/status → 200 \(attempt 1, \d+ ms, (new connection|connection reused)\)$"#, options: .regularExpression) != nil)
    }

    @Test func missingTokenFailsWithoutConnecting() async throws {
        let server = try await ScriptedServer { _, _ in json(200, profileJSON) }
        for token in [nil, "", "  \n"] as [String?] {
            let error = await apiError { _ = try await makeClient(server.baseURL, token: token).profile(.me) }
            #expect(error == .missingToken)
            #expect(error?.isAuthFailure == true)
        }
        #expect(await server.log.count == 0)
    }

    @Test func wireTimestampRoundTrips() {
        let date = Date(timeIntervalSince1970: 1_741_640_399.123_9)
        #expect(Timestamp.canonical(date) == "2025-03-10T20:59:59.123Z")
        #expect(Timestamp.canonical(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.parseWire("2025-03-10T20:59:59.123Z")?.timeIntervalSince1970 == 1_741_640_399.123)
        #expect(Timestamp.parseWire("2025-03-10T23:59:59+03:00") == Date(timeIntervalSince1970: 1_741_640_399))
        #expect(Timestamp.parseWire("2025-03-10") == nil)
        #expect(Timestamp.parseWire("2025-03-10T20:59:59") == nil)
    }
}
