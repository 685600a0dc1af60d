import Foundation
import Testing
import TestTeardown
@testable import PachcaEmulator

@Suite(.awaitsTeardown, .enabled(if: curlAvailable), .awaitsTeardown) struct AvatarTests {
    func upload(_ e: Emulator, file: URL, field: String = "image", token: String = demoToken) async throws -> Wire {
        try await curl(["-X", "PUT", "-H", "Authorization: Bearer \(token)", "-F", "\(field)=@\(file.path)",
                  api(e, "/profile/avatar").absoluteString]).wire
    }

    @Test(arguments: [AvatarURLNaming.keepFileName, .random])
    func uploadIsServedBackByteIdenticalWithoutAuth(_ naming: AvatarURLNaming) async throws {
        var config = EmulatorConfiguration()
        config.avatarURLNaming = naming
        let e = try await startEmulator(config)
        let bytes = pngLikeBytes(size: 300_000)
        let file = try writeTemp(bytes, name: "me.0123abcd.png")
        let w = try await upload(e, file: file)
        #expect(w.status == 200)
        #expect(Set(w.object.keys) == ["data"])
        #expect(Set(w.data.keys) == ["image_url"])
        let imageURL = try #require(w.data["image_url"] as? String)
        #expect(imageURL.hasPrefix(e.origin.absoluteString + "/"))
        #expect(!imageURL.contains("/api/shared/v1"))
        switch naming {
        case .keepFileName: #expect(imageURL.hasSuffix("/me.0123abcd.png"))
        case .random:
            #expect(!imageURL.contains("me.0123abcd"))
            #expect(imageURL.hasSuffix(".png"))
        }
        // Public storage: no Authorization header needed, bytes identical, type sniffed.
        let served = try await send("GET", URL(string: imageURL)!, token: nil)
        #expect(served.status == 200)
        #expect([UInt8](served.body) == bytes)
        #expect(served.headers["content-type"] == "image/png")
        #expect(try await send("GET", api(e, "/profile")).data["image_url"] as? String == imageURL)
        #expect(await e.avatarBytes() == bytes)
        let journal = await e.journal()
        #expect(journal.first?.uploadedFileName == "me.0123abcd.png")
        let fetches = journal.filter { $0.apiPath == nil }
        #expect(fetches.count == 1)
        #expect(fetches.first?.path == URL(string: imageURL)!.path)
        #expect(fetches.first?.hadAuthorization == false && fetches.first?.status == 200)
    }

    @Test func aMissingImagePartIs422() async throws {
        let e = try await startEmulator()
        let file = try writeTemp(pngLikeBytes(size: 100), name: "a.png")
        let w = try await upload(e, file: file, field: "file")
        #expect(w.status == 422)
        #expect(w.errors.first?["key"] as? String == "image")
        #expect(specValidationCodes.contains(w.errors.first?["code"] as? String ?? ""))
        #expect(w.errors.first?["payload"] is NSNull)
        let notMultipart = try await send("PUT", api(e, "/profile/avatar"), body: Data("{}".utf8))
        #expect(notMultipart.status == 422)
        #expect(await e.avatarURL() == nil)
    }

    @Test func notAnImageIs422() async throws {
        let e = try await startEmulator()
        let w = try await upload(e, file: try writeTemp(Array("just text".utf8), name: "a.png"))
        #expect(w.status == 422)
        #expect(w.errors.first?["code"] as? String == "invalid")
    }

    @Test func deleteAnswers204AndTheOldURLStopsServing() async throws {
        let e = try await startEmulator()
        let w = try await upload(e, file: try writeTemp(pngLikeBytes(size: 1000), name: "a.png"))
        let url = try #require(w.data["image_url"] as? String)
        let del = try await send("DELETE", api(e, "/profile/avatar"))
        #expect(del.status == 204)
        #expect(try await send("GET", api(e, "/profile")).data["image_url"] is NSNull)
        #expect(try await send("GET", URL(string: url)!, token: nil).status == 404)
    }

    @Test func seededAvatarIsLive() async throws {
        let e = try await startEmulator()
        let gif = Array("GIF89a".utf8) + [1, 2, 3]
        await e.setAvatar(bytes: gif, fileName: "seed.gif")
        let url = try #require(await e.avatarURL())
        #expect(try await send("GET", api(e, "/profile")).data["image_url"] as? String == url)
        let served = try await send("GET", URL(string: url)!, token: nil)
        #expect([UInt8](served.body) == gif)
        #expect(served.headers["content-type"] == "image/gif")
    }
}

@Suite(.awaitsTeardown) struct FaultAndJournalTests {
    @Test func journalCountsEveryCallIncludingRejectedOnes() async throws {
        let e = try await startEmulator()
        _ = try await send("GET", api(e, "/profile"))
        await e.resetJournal()
        _ = try await send("GET", api(e, "/profile"))
        _ = try await send("GET", api(e, "/profile/status"), token: nil)
        _ = try await putStatus(e, ["emoji": "🎮", "title": "Busy"])
        _ = try await send("GET", e.origin.appendingPathComponent("__emulator/journal"), token: nil)  // not journaled
        let j = await e.journal()
        #expect(j.map(\.method) == ["GET", "GET", "PUT"])
        #expect(j.map(\.apiPath) == ["/profile", "/profile/status", "/profile/status"])
        #expect(j.map(\.path) == ["/api/shared/v1/profile", "/api/shared/v1/profile/status", "/api/shared/v1/profile/status"])
        #expect(j.map(\.status) == [200, 401, 200])
        #expect(j.map(\.hadAuthorization) == [true, false, true])
        let sent = try #require(j[2].requestBody)
        let parsed = try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any]
        #expect((parsed?["status"] as? [String: Any])?["title"] as? String == "Busy")
        // The control endpoint serves the same journal as JSON.
        let wire = try await send("GET", e.origin.appendingPathComponent("__emulator/journal"), token: nil)
        #expect((wire.json as? [[String: Any]])?.count == 3)
    }

    @Test func statusFaultsAnswerThenTheCallSucceeds() async throws {
        let e = try await startEmulator()
        await e.injectFault(.status(503), method: "GET", path: "/profile", count: 2)
        await e.injectFault(.status(500), path: "/profile/status", count: 1)
        #expect(try await send("GET", api(e, "/profile")).status == 503)
        #expect(try await send("GET", api(e, "/profile/status")).status == 500)
        #expect(try await send("GET", api(e, "/profile")).status == 503)
        #expect(try await send("GET", api(e, "/profile")).status == 200)
        #expect(try await send("GET", api(e, "/profile/status")).status == 200)
        #expect(await e.journal().compactMap(\.fault) == ["status 503", "status 500", "status 503"])
    }

    @Test func injected429CarriesTheGivenRetryAfter() async throws {
        let e = try await startEmulator()
        await e.injectFault(.rateLimited(retryAfter: 7), path: "*", count: 1)
        let w = try await send("PUT", api(e, "/profile/status"), body: Data(#"{"status":{"emoji":"🎮","title":"x"}}"#.utf8))
        #expect(w.status == 429)
        #expect(w.headers["retry-after"] == "7")
        #expect(await e.currentStatus() == nil)
    }

    @Test(.enabled(if: curlAvailable)) func dropClosesTheConnectionWithoutAResponse() async throws {
        let e = try await startEmulator()
        await e.injectFault(.drop, path: "/profile", count: 1)
        let dropped = try await curl(["-H", "Authorization: Bearer \(demoToken)", api(e, "/profile").absoluteString])
        #expect(dropped.exit == 52)  // curl: empty reply from server
        #expect(dropped.wire.status == 0)
        let ok = try await curl(["-H", "Authorization: Bearer \(demoToken)", api(e, "/profile").absoluteString])
        #expect(ok.exit == 0 && ok.wire.status == 200)
        #expect(await e.journal().map(\.status) == [0, 200])
    }

    @Test func latencyFaultDelaysTheAnswer() async throws {
        let e = try await startEmulator()
        await e.injectFault(.latency(ms: 300), path: "/profile", count: 1)
        let start = Date()
        #expect(try await send("GET", api(e, "/profile")).status == 200)
        #expect(Date().timeIntervalSince(start) >= 0.29)
    }

    @Test func controlEndpointsSetFaultsTimeAndState() async throws {
        let e = try await startEmulator()
        let c = e.origin.absoluteString + "/__emulator/"
        let fault = try await send("POST", URL(string: c + "fault")!, token: nil,
                                   body: Data(#"{"fault":{"type":"status","status":502},"method":"GET","path":"/profile","count":1}"#.utf8))
        #expect(fault.status == 204)
        #expect(try await send("GET", api(e, "/profile")).status == 502)
        let state = try await send("POST", URL(string: c + "state")!, token: nil,
                                   body: Data(#"{"status":{"emoji":"🎮","title":"Seeded","expires_at":"2026-01-01T00:01:00Z"}}"#.utf8))
        #expect(state.status == 200)
        #expect(try await send("GET", api(e, "/profile/status")).data["title"] as? String == "Seeded")
        let advanced = try await send("POST", URL(string: c + "clock/advance")!, token: nil, body: Data(#"{"seconds":120}"#.utf8))
        #expect(advanced.object["now"] as? String == "2026-01-01T00:02:00.000Z")
        #expect(try await send("GET", api(e, "/profile/status")).text == "null")
        #expect(try await send("POST", URL(string: c + "reset-journal")!, token: nil).status == 204)
        #expect(await e.journal().isEmpty)
    }
}
