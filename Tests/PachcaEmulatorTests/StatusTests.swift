import Foundation
import Testing
import TestTeardown
@testable import PachcaEmulator

@Suite(.awaitsTeardown) struct StatusTests {
    @Test func noStatusIsABareNullWithoutWrapper() async throws {
        let e = try await startEmulator()
        let w = try await send("GET", api(e, "/profile/status"))
        #expect(w.status == 200)
        #expect(w.text == "null")
        #expect(w.headers["content-type"]?.hasPrefix("application/json") == true)
        let profile = try await send("GET", api(e, "/profile"))
        #expect(profile.data["user_status"] is NSNull)
    }

    @Test func putEchoesTheStatusInCanonicalFormAndProfileMirrorsIt() async throws {
        let e = try await startEmulator()
        let expires = iso(e.now().addingTimeInterval(3600))
        // Same instant written with a +03:00 offset and no fraction.
        let offsetForm = Self.plus3(e.now().addingTimeInterval(3600))
        let put = try await putStatus(e, ["emoji": "🏖️", "title": "В отпуске", "is_away": true,
                                          "away_message": "Я в отпуске", "expires_at": offsetForm])
        #expect(put.status == 200)
        let data = put.data
        #expect(Set(data.keys) == ["emoji", "title", "expires_at", "is_away", "away_message"])
        #expect(data["emoji"] as? String == "🏖️")
        #expect(data["title"] as? String == "В отпуске")
        #expect(data["is_away"] as? Bool == true)
        #expect((data["away_message"] as? [String: Any])?["text"] as? String == "Я в отпуске")
        #expect((data["away_message"] as? [String: Any])?.count == 1)
        #expect(data["expires_at"] as? String == expires)
        #expect(Self.isCanonical(data["expires_at"] as? String ?? ""))

        let get = try await send("GET", api(e, "/profile/status"))
        #expect(get.status == 200)
        #expect(Set(get.object.keys) == ["data"])
        #expect(canon(get.data) == canon(data))

        let profile = try await send("GET", api(e, "/profile"))
        let user = profile.data
        #expect(Set(user.keys) == ["id", "first_name", "last_name", "nickname", "email", "phone_number", "department",
                                   "title", "role", "suspended", "invite_status", "inviter_id", "list_tags",
                                   "custom_properties", "user_status", "bot", "sso", "created_at", "last_activity_at",
                                   "time_zone", "image_url"])
        #expect(canon(user["user_status"] ?? NSNull()) == canon(data))
        #expect(user["image_url"] is NSNull)
        #expect(user["phone_number"] is NSNull)
        #expect(Self.isCanonical(user["created_at"] as? String ?? ""))
    }

    @Test func putReplacesTheWholeStatusAndOmittedFieldsTakeDefaults() async throws {
        let e = try await startEmulator()
        _ = try await putStatus(e, ["emoji": "🏖️", "title": "Away", "is_away": true, "away_message": "later",
                                    "expires_at": iso(e.now().addingTimeInterval(600))])
        let put = try await putStatus(e, ["emoji": "🎮", "title": "Busy"])
        #expect(put.status == 200)
        let get = try await send("GET", api(e, "/profile/status"))
        #expect(get.data["emoji"] as? String == "🎮")
        #expect(get.data["is_away"] as? Bool == false)
        #expect(get.data["away_message"] is NSNull)
        #expect(get.data["expires_at"] is NSNull)
    }

    @Test func deleteAnswers204AndClearsTheStatus() async throws {
        let e = try await startEmulator()
        _ = try await putStatus(e, ["emoji": "🎮", "title": "Busy"])
        let del = try await send("DELETE", api(e, "/profile/status"))
        #expect(del.status == 204)
        #expect(del.body.isEmpty)
        #expect(try await send("GET", api(e, "/profile/status")).text == "null")
    }

    @Test func expiredStatusLingersThenTurnsNull() async throws {
        var config = EmulatorConfiguration()
        config.statusLinger = 5
        let e = try await startEmulator(config)
        _ = try await putStatus(e, ["emoji": "🎮", "title": "Busy", "expires_at": iso(e.now().addingTimeInterval(60))])
        e.advanceClock(by: 62)  // expired 2 s ago, within the 5 s linger
        let lingering = try await send("GET", api(e, "/profile/status"))
        #expect(lingering.data["title"] as? String == "Busy")
        #expect((try await send("GET", api(e, "/profile")).data["user_status"] as? [String: Any])?["title"] as? String == "Busy")
        e.advanceClock(by: 4)  // 6 s past expiry
        #expect(try await send("GET", api(e, "/profile/status")).text == "null")
        #expect(try await send("GET", api(e, "/profile")).data["user_status"] is NSNull)
    }

    @Test func emojiCanBeEchoedWithoutVariationSelectors() async throws {
        var config = EmulatorConfiguration()
        config.echoEmojiWithoutVariationSelectors = true
        let e = try await startEmulator(config)
        let put = try await putStatus(e, ["emoji": "🏖️", "title": "Beach"])
        #expect(put.data["emoji"] as? String == "\u{1F3D6}")
        #expect(Array((put.data["emoji"] as? String ?? "").unicodeScalars) == ["\u{1F3D6}"])
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var body: String
        var status: Int
        var keys: [String]
        var codes: [String]
        var description: String { name }
    }

    static let long51 = String(repeating: "é", count: 51)
    static let cases: [Case] = [
        Case(name: "not JSON", body: "{not json", status: 400, keys: ["body"], codes: ["invalid"]),
        Case(name: "JSON but no status", body: #"{"title":"x"}"#, status: 400, keys: ["status"], codes: ["required"]),
        Case(name: "missing emoji", body: #"{"status":{"title":"Busy"}}"#, status: 422, keys: ["status.emoji"], codes: ["blank"]),
        Case(name: "missing title", body: #"{"status":{"emoji":"🎮"}}"#, status: 422, keys: ["status.title"], codes: ["blank"]),
        Case(name: "empty title", body: #"{"status":{"emoji":"🎮","title":""}}"#, status: 422, keys: ["status.title"], codes: ["blank"]),
        Case(name: "title 51 chars", body: #"{"status":{"emoji":"🎮","title":"\#(long51)"}}"#, status: 422,
             keys: ["status.title"], codes: ["too_long"]),
        Case(name: "away message 1025", body: #"{"status":{"emoji":"🎮","title":"t","away_message":"\#(String(repeating: "a", count: 1025))"}}"#,
             status: 422, keys: ["status.away_message"], codes: ["too_long"]),
        Case(name: "bad expires_at", body: #"{"status":{"emoji":"🎮","title":"t","expires_at":"2025-03-10"}}"#, status: 422,
             keys: ["status.expires_at"], codes: ["invalid"]),
        Case(name: "text emoji", body: #"{"status":{"emoji":"ok","title":"t"}}"#, status: 422, keys: ["status.emoji"], codes: ["wrong_emoji"]),
        Case(name: "string is_away", body: #"{"status":{"emoji":"🎮","title":"t","is_away":"true"}}"#, status: 422,
             keys: ["status.is_away"], codes: ["invalid"]),
        Case(name: "everything wrong at once", body: #"{"status":{"title":"\#(long51)","expires_at":"soon"}}"#, status: 422,
             keys: ["status.emoji", "status.title", "status.expires_at"], codes: ["blank", "too_long", "invalid"]),
    ]

    @Test(arguments: cases) func validationErrorsHaveTheApiErrorShape(_ c: Case) async throws {
        let e = try await startEmulator()
        _ = try await putStatus(e, ["emoji": "🎮", "title": "Before"])
        let w = try await send("PUT", api(e, "/profile/status"), body: Data(c.body.utf8))
        #expect(w.status == c.status)
        #expect(Set(w.object.keys) == ["errors"])
        #expect(w.errors.map { $0["key"] as? String ?? "?" } == c.keys)
        #expect(w.errors.map { $0["code"] as? String ?? "?" } == c.codes)
        for item in w.errors {
            #expect(Set(item.keys) == ["key", "value", "message", "code", "payload"])
            #expect(item["payload"] is NSNull)
            #expect(item["value"] is String || item["value"] is NSNull)
            #expect(!((item["message"] as? String) ?? "").isEmpty)
            #expect(specValidationCodes.contains(item["code"] as? String ?? ""))
        }
        // A rejected PUT leaves the live status alone.
        #expect(try await send("GET", api(e, "/profile/status")).data["title"] as? String == "Before")
    }

    @Test func titleLengthCountsUnicodeScalarsNotBytes() async throws {
        let e = try await startEmulator()
        let fifty = String(repeating: "ж", count: 50)  // 100 UTF-8 bytes
        let w = try await putStatus(e, ["emoji": "👨‍👩‍👧", "title": fifty])
        #expect(w.status == 200)
        #expect(w.data["title"] as? String == fifty)
    }

    static func isCanonical(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil
    }

    static func plus3(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 3 * 3600)
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
        return f.string(from: d)
    }
}
