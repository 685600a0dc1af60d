import Foundation
import PachcaAPI
import TestTeardown
import Testing

/// The fields the diff depends on are decoded strictly (issue 9, item 7): a wrong type or an
/// unparseable timestamp is an error naming the field, never "absent".
@Suite(.awaitsTeardown) struct StrictDecodingTests {
    @Test(arguments: [
        (#"{"data":{"emoji":"🏖️","title":"Off","expires_at":"next tuesday"}}"#, "data.expires_at"),
        (#"{"data":{"emoji":"🏖️","title":"Off","expires_at":12}}"#, "data.expires_at"),
        (#"{"data":{"emoji":"🏖️","title":"Off","is_away":"yes"}}"#, "data.is_away"),
    ])
    func badStatusFieldIsAnErrorNamingIt(body: String, field: String) async throws {
        let server = try await ScriptedServer { _, _ in json(200, body) }
        let error = await apiError { _ = try await makeClient(server.baseURL).status(.me) }
        #expect(error?.description.contains("'\(field)'") == true, "\(String(describing: error))")
        await server.stop()
    }

    @Test(arguments: [#"{"url":"https://x/a.png"}"#, "42"])
    func imageURLOfTheWrongTypeIsAnErrorNotNoAvatar(imageURL: String) async throws {
        let server = try await ScriptedServer { _, _ in json(200, #"{"data":{"id":12,"image_url":\#(imageURL)}}"#) }
        let error = await apiError { _ = try await makeClient(server.baseURL).profile(.me) }
        #expect(error?.description == "GET /profile: unexpected response body: wrong type at 'data.image_url'",
                "\(String(describing: error))")
        await server.stop()
    }

    @Test func nullImageURLIsNoAvatar() async throws {
        let server = try await ScriptedServer { _, _ in json(200, #"{"data":{"id":12,"image_url":null}}"#) }
        #expect(try await makeClient(server.baseURL).profile(.me).imageURL == nil)
        await server.stop()
    }
}
