import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FlyingFox
import TestTeardown
import Testing
@testable import PachcaAPI

@Suite(.awaitsTeardown) struct SecurityTests {
    @Test(arguments: ["http://example.com/api", "http://10.0.0.1", "http://127.example.com", "http://128.0.0.1"])
    func plainHTTPToNonLoopbackIsRefused(url: String) {
        #expect(throws: PachcaAPIError.insecureURL(url)) {
            _ = try PachcaClient(ClientConfiguration(baseURL: URL(string: url)!, token: APIToken(secretToken)))
        }
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://127.1.2.3/api/", "http://localhost:9", "http://[::1]:9/x",
                      "https://api.pachca.com/api/shared/v1/"])
    func loopbackHTTPAndHTTPSAreAccepted(url: String) throws {
        _ = try PachcaClient(ClientConfiguration(baseURL: URL(string: url)!, token: APIToken(secretToken)))
    }

    @Test func nonHTTPSchemeIsRefused() {
        #expect(throws: PachcaAPIError.self) {
            _ = try PachcaClient(ClientConfiguration(baseURL: URL(string: "ftp://127.0.0.1/")!, token: nil))
        }
    }

    @Test func tokenRedactsItself() {
        let token = APIToken(secretToken)
        let config = ClientConfiguration(baseURL: URL(string: "https://a.example")!, token: token)
        var dumped = ""
        dump(config, to: &dumped)
        for text in ["\(token)", String(describing: token), String(reflecting: token), dumped,
                     String(describing: config), String(reflecting: config)] {
            #expect(!text.contains(secretToken))
        }
        #expect("\(token)" == "<redacted>")
    }

    @Test func unauthorizedParsesOAuthError() async throws {
        let server = try await ScriptedServer { _, _ in
            json(401, #"{"error":"invalid_token","error_description":"Access token is missing"}"#)
        }
        let error = await apiError { _ = try await makeClient(server.baseURL).profile(.me) }
        #expect(error == .unauthorized(WireOAuthError(error: "invalid_token", errorDescription: "Access token is missing")))
        #expect(error?.isAuthFailure == true)
        #expect(error?.description.contains("Access token is missing") == true)
        #expect(await server.log.count == 1)
    }

    @Test func forbiddenNamesScopeFromTheText() async throws {
        let server = try await ScriptedServer { _, _ in
            json(403, #"{"error":"insufficient_scope","error_description":"Required scope: profile_status:write"}"#)
        }
        let error = await apiError { try await makeClient(server.baseURL).deleteStatus(.me) }
        guard case .forbidden(_, let scope)? = error else {
            Issue.record("expected forbidden, got \(String(describing: error))")
            return
        }
        #expect(scope == "profile_status:write")
        #expect(error?.isAuthFailure == true)
        #expect(error?.description.contains("'profile_status:write'") == true)
    }

    @Test func forbiddenFallsBackToTheEndpointScope() async throws {
        let server = try await ScriptedServer { _, _ in
            json(403, #"{"errors":[{"key":"image","value":null,"message":"Access denied","code":"forbidden","payload":null}]}"#)
        }
        let client = try makeClient(server.baseURL)
        let mine = await apiError { _ = try await client.putAvatar(.me, image: Data([1, 2]), fileName: "a.png", mimeType: "image/png") }
        let theirs = await apiError { _ = try await client.putAvatar(.user(id: 5), image: Data([1]), fileName: "a.png", mimeType: "image/png") }
        guard case .forbidden(let body, let scope)? = mine, case .forbidden(_, let other)? = theirs else {
            Issue.record("expected forbidden, got \(String(describing: mine)) / \(String(describing: theirs))")
            return
        }
        #expect(scope == "profile_avatar:write")
        #expect(other == "user_avatar:write")
        #expect(body?.errorDescription == "Access denied")
    }

    /// Every output the client can produce — errors, their descriptions, trace — is free of
    /// the token, even when the server echoes it back.
    @Test func tokenNeverAppearsInErrorsOrTrace() async throws {
        let server = try await ScriptedServer { request, _ in
            let echoed = request.headers["authorization"] ?? ""
            switch request.path {
            case "/profile": return json(401, #"{"error":"invalid_token","error_description":"bad \#(echoed)"}"#)
            case "/profile/status": return json(418, "teapot saw \(echoed)")
            case "/profile/avatar": return json(422, #"{"errors":[{"key":"k","value":"\#(echoed)","message":"no \#(echoed)","code":"c","payload":null}]}"#)
            default: return json(403, #"{"error":"forbidden","error_description":"\#(echoed)"}"#)
            }
        }
        let sink = TraceSink()
        let client = try makeClient(server.baseURL, trace: sink)
        var errors: [PachcaAPIError] = []
        if let e = await apiError({ _ = try await client.profile(.me) }) { errors.append(e) }
        if let e = await apiError({ _ = try await client.status(.me) }) { errors.append(e) }
        if let e = await apiError({ _ = try await client.putAvatar(.me, image: Data([0]), fileName: "a.png", mimeType: "image/png") }) { errors.append(e) }
        if let e = await apiError({ _ = try await client.tokenInfo() }) { errors.append(e) }
        #expect(errors.count == 4)
        // The server did receive it, so the echoes really carried it.
        #expect(await server.log.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(secretToken)" })
        var outputs = sink.lines
        for error in errors {
            var dumped = ""
            dump(error, to: &dumped)
            outputs += [error.description, String(describing: error), String(reflecting: error),
                        error.localizedDescription, dumped]
        }
        #expect(sink.lines.count == 4)
        for text in outputs { #expect(!text.contains(secretToken), "token leaked: \(text)") }
        #expect(!outputs.joined().contains("7c1f93e0"))
    }

    @Test func publicImageFetchSendsNoAuthorization() async throws {
        let image = Data((0..<300).map { UInt8($0 % 256) })
        let server = try await ScriptedServer { request, _ in
            request.path == "/files/a.png" ? HTTPResponse(statusCode: .ok, body: image) : empty(404)
        }
        // The image host here is the API host itself: even then, no token goes with it.
        let sink = TraceSink()
        let client = try makeClient(server.baseURL, trace: sink)
        let url = URL(string: "http://127.0.0.1:\(server.port)/files/a.png?sig=abc123")!
        let fetched = try await client.fetchPublicImage(url, maxBytes: 1000)
        #expect(fetched == image)
        let seen = try #require(await server.log.requests.first)
        #expect(seen.headers["authorization"] == nil)
        #expect(seen.query["sig"] == "abc123")
        #expect(sink.lines.count == 1)
        #expect(sink.lines.allSatisfy { !$0.contains("abc123") })

        let error = await apiError { _ = try await client.fetchPublicImage(url, maxBytes: 100) }
        guard case .transport(let failure, "GET", let path, 1, _)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .tooLarge)
        #expect(path == "http://127.0.0.1:\(server.port)/files/a.png")
        #expect(error?.description.contains("response larger than 100 bytes") == true)
    }

    /// Redirects are never followed: the token stays with the API host, and the error names
    /// where the server tried to send us (host only: a Location's query may be a credential).
    @Test func redirectIsAnErrorNamingTheHost() async throws {
        let other = try await ScriptedServer { _, _ in json(200, profileJSON) }
        let api = try await ScriptedServer { _, _ in
            empty(302, headers: ["Location": "http://127.0.0.1:\(other.port)/profile?sig=s3cr3t"])
        }
        let error = await apiError { _ = try await makeClient(api.baseURL).profile(.me) }
        #expect(error == .redirect(status: 302, location: "127.0.0.1:\(other.port)", method: "GET", path: "/profile"))
        #expect(error?.description.contains("redirects are not followed") == true)
        #expect(error?.description.contains("s3cr3t") == false)
        #expect(await other.log.count == 0)
        #expect(await api.log.count == 1)
    }
}
