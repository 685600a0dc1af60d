import Foundation
import TestTeardown
import Testing
@testable import PachcaEmulator

@Suite(.awaitsTeardown) struct MultipartParserTests {
    @Test func parsesPartsBinarySafelyWithQuotedBoundaryAndPreamble() throws {
        let boundary = try Multipart.boundary(contentType: #"multipart/form-data; boundary="a b:c""#)
        #expect(boundary == "a b:c")
        let payload: [UInt8] = [0, 13, 10, 45, 45, 97, 32, 98, 13, 10, 255]  // contains "\r\n--a b" but not the full delimiter
        var body = Array("preamble\r\n--a b:c\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n".utf8)
        body += Array("--a b:c\r\nContent-Disposition: form-data; name=\"image\"; filename=\"we \\\"ird\\\".png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += payload + Array("\r\n--a b:c--\r\nepilogue".utf8)
        let parts = try Multipart.parse(body: body, boundary: boundary)
        #expect(parts.map(\.name) == ["note", "image"])
        #expect(parts[0].body == Array("hi".utf8))
        #expect(parts[1].fileName == #"we "ird".png"#)
        #expect(parts[1].contentType == "image/png")
        #expect(parts[1].body == payload)
    }

    @Test func extendedFileNameWins() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=image; filename=x.png; filename*=UTF-8''%D1%8F.png\r\n\r\nX\r\n--b--\r\n".utf8)
        let parts = try Multipart.parse(body: body, boundary: "b")
        #expect(parts.first?.fileName == "я.png")
        #expect(parts.first?.name == "image")
    }

    @Test func refusesWhatIsNotMultipart() {
        #expect(throws: Multipart.Failure.notMultipart) { try Multipart.boundary(contentType: "application/json") }
        #expect(throws: Multipart.Failure.noBoundary) { try Multipart.boundary(contentType: "multipart/form-data") }
        #expect(throws: (any Error).self) { try Multipart.parse(body: Array("--b\r\nno end".utf8), boundary: "b") }
    }
}

@Suite(.awaitsTeardown) struct TimeAndSeedTests {
    @Test func parsesOffsetsAndFormatsCanonicalUTC() throws {
        let d = try #require(WireTime.parse("2025-03-10T23:59:59+03:00"))
        #expect(WireTime.format(d) == "2025-03-10T20:59:59.000Z")
        #expect(WireTime.format(try #require(WireTime.parse("2024-04-08T10:00:00.123456Z"))) == "2024-04-08T10:00:00.123Z")
        #expect(WireTime.parse("2025-03-10") == nil)
        #expect(WireTime.parse("2025-03-10T10:00:00") == nil)
        #expect(WireTime.parse("2025-02-30T10:00:00Z") == nil)
        #expect(WireTime.httpDate(d) == "Mon, 10 Mar 2025 20:59:59 GMT")
    }

    @Test func seedDecodingIsTolerantAndAcceptsBothKeyStyles() throws {
        let empty = try EmulatorConfiguration.decode(seedJSON: Data("{}".utf8))
        #expect(empty == EmulatorConfiguration())
        let seed = try EmulatorConfiguration.decode(seedJSON: Data("""
            {"rate_limit_per_second": 5, "statusLinger": 2, "avatar_url_naming": "random",
             "user": {"first_name": "Oleg", "email": null},
             "tokens": [{"token": "t-0123456789abcdef", "scopes": ["profile:read"], "name": null}],
             "status": {"emoji": "🎮", "title": "Busy", "expires_at": "2030-01-01T00:00:00Z"},
             "faults": [{"fault": {"type": "rate_limited", "retry_after": 3}, "path": "/profile", "count": 2}]}
            """.utf8))
        #expect(seed.rateLimitPerSecond == 5)
        #expect(seed.statusLinger == 2)
        #expect(seed.avatarURLNaming == .random)
        #expect(seed.user.firstName == "Oleg" && seed.user.email == nil && seed.user.lastName == "User")
        #expect(seed.tokens == [TokenGrant(token: "t-0123456789abcdef", scopes: ["profile:read"], name: nil)])
        #expect(seed.status?.isAway == false)
        #expect(seed.faults == [FaultRule(fault: .rateLimited(retryAfter: 3), path: "/profile", count: 2)])
    }

    @Test func emojiCheckAcceptsRealEmojiAndRefusesText() {
        for ok in ["🎮", "🏖️", "🏖", "👨‍👩‍👧", "👍🏽", "🇷🇺", "1️⃣", "☀", "❤️"] { #expect(EmulatorCore.isSingleEmoji(ok), "\(ok)") }
        for bad in ["ok", "1", "#", "🎮🎮", "", "a🎮"] { #expect(!EmulatorCore.isSingleEmoji(bad), "\(bad)") }
    }
}
