import Foundation
import PachcaAPI
import PachcaEmulator
import TestTeardown
import Testing

/// The output sink's redactor (issue 10): the token in every form a server could echo it.
@Suite(.awaitsTeardown) struct RedactionTests {
    static let token = "SECRET/a+b&c=d-9f8e7d6c5b4a39281706"

    static func redactor() -> SecretRedactor {
        let r = SecretRedactor()
        r.register(secret: token + "\n")
        return r
    }

    /// Every 8-character window of the token: none may survive.
    static func fragments(_ token: String) -> [String] {
        let c = Array(token)
        return (0...(c.count - SecretRedactor.fragmentLength)).map { String(c[$0..<($0 + SecretRedactor.fragmentLength)]) }
    }

    @Test(arguments: TokenEcho.allCases)
    func eachEchoIsRemovedBothAsSentAndAsDecoded(_ echo: TokenEcho) throws {
        let encoded = echo.encode(Self.token)
        let body = "{\"error\":\"invalid_token\",\"error_description\":\"token \(encoded): is invalid\"}"
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
        let decoded = try #require(object["error_description"])
        for text in [body, decoded, "401 \(decoded)\n", "x\(encoded)y"] {
            let out = Self.redactor().redact(text)
            #expect(!out.contains(encoded), "\(echo): \(out)")
            for fragment in Self.fragments(Self.token) { #expect(!out.contains(fragment), "\(echo): \(fragment) in \(out)") }
            #expect(!out.contains("SECR"), "\(echo): \(out)")
            #expect(out.contains(SecretRedactor.marker))
        }
    }

    @Test func ordinaryTextIsLeftAlone() {
        let text = "GET /profile → 401 (attempt 1, 3 ms): the API rejected the token; id 1001, 5f3a, 50%25 \\u0041 &#65;"
        #expect(Self.redactor().redact(text) == text)
    }

    @Test func userinfoIsRemovedFromAnyURL() {
        let r = SecretRedactor()
        #expect(r.redact("refusing 'http://user:pa55word@api.example/v1'") == "refusing 'http://<redacted>@api.example/v1'")
        #expect(r.redact("{\"api_url\":\"http:\\/\\/u:p%40ss@127.0.0.1:8080\\/api\"}") == "{\"api_url\":\"http:\\/\\/<redacted>@127.0.0.1:8080\\/api\"}")
        #expect(r.redact("https://api.example/a@b and mailto:x@y") == "https://api.example/a@b and mailto:x@y")
    }
}

extension RedactionTests {
    @Test func maskedFormsAreRemovedWithTheirTail() {
        let r = Self.redactor()
        for masked in ["SECRET/a...1706", "SECR****", "SECRET/a…1706", "SECR•••••1706"] {
            let out = r.redact("token \(masked): bad")
            #expect(out == "token <redacted>: bad", "\(masked) → \(out)")
        }
    }
}

import FlyingFox

extension RedactionTests {
    /// Every error path of the client (401, 403, 422, 5xx given up on, an HTML page, a plain
    /// text body) with the token echoed in every encoding: the description the CLI prints,
    /// once through the sink, holds none of it. The client scrubs server bodies with the same
    /// sink, so the echo is already gone from the error it builds.
    @Test(arguments: [401, 403, 422, 418, 500, 502, 451])
    func everyErrorPathEchoingEveryEncodingIsRedacted(status: Int) async throws {
        let echo = "token " + TokenEcho.allCases.map { $0.encode(Self.token) }.joined(separator: " ")
        let server = try await ScriptedServer { _, _ in
            switch status {
            case 401, 403: return json(status, #"{"error":"invalid_token","error_description":"\#(echo)"}"#)
            case 422, 418, 500: return json(status, #"{"errors":[{"key":"status.title","value":"\#(echo)","message":"\#(echo)","code":"invalid","payload":null}]}"#)
            case 502: return HTTPResponse(statusCode: HTTPStatusCode(502, phrase: "Bad Gateway"), headers: [HTTPHeader("Content-Type"): "text/html"],
                                          body: Data("<html><body>\(echo)</body></html>".utf8))
            default: return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Status"), headers: [:], body: Data(echo.utf8))
            }
        }
        let error = await apiError { _ = try await makeClient(server.baseURL, token: Self.token).profile(.me) }
        let description = try #require(error?.description)
        let out = Self.redactor().redact(description)
        if ![500, 502].contains(status) {  // 5xx bodies are not quoted; the others carry the body, scrubbed
            #expect(description.contains(SecretRedactor.marker), "the scrubbed echo reached the description: \(description)")
        }
        for fragment in Self.fragments(Self.token) { #expect(!out.contains(fragment), "\(status): \(fragment) in \(out)") }
        for echo in TokenEcho.allCases { #expect(!out.contains(echo.encode(Self.token)), "\(status) \(echo): \(out)") }
    }
}
