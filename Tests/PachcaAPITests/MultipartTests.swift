import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FlyingFox
import TestTeardown
import Testing
@testable import PachcaAPI

@Suite(.awaitsTeardown) struct MultipartTests {
    /// Bytes that trip naive parsers: CRLF, dashes, a fake boundary, NUL and high bytes.
    static let trickyImage: Data = {
        var d = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        d += Data("\r\n--\r\n--pachca-profile-\r\n\r\n--".utf8)
        d += Data((0...255).map { UInt8($0) })
        d += Data("\r\n".utf8)
        return d
    }()

    @Test func encoderOutputParsesBackByteForByte() throws {
        let form = MultipartFormData(field: "image", fileName: "me \"x\".png", mimeType: "image/png", content: Self.trickyImage)
        #expect(form.contentType == "multipart/form-data; boundary=\(form.boundary)")
        #expect(form.boundary.count <= 70)
        let parts = try #require(parseMultipart(form.body, boundary: form.boundary))
        #expect(parts.count == 1)
        #expect(parts[0].name == "image")
        #expect(parts[0].fileName == "me %22x%22.png")
        #expect(parts[0].headers["content-type"] == "image/png")
        #expect(parts[0].body == Self.trickyImage)
    }

    /// A CR or LF in a file name is percent-encoded even as a CRLF pair (one Character in
    /// Swift), so it cannot end the Content-Disposition header.
    @Test func fileNameCRLFIsEncoded() throws {
        let form = MultipartFormData(field: "image", fileName: "a\r\nX-Injected: 1", mimeType: "image/png\r\nX: 2",
                                     content: Data([1, 2, 3]))
        let parts = try #require(parseMultipart(form.body, boundary: form.boundary))
        #expect(parts.count == 1)
        #expect(parts[0].fileName == "a%0D%0AX-Injected: 1")
        #expect(parts[0].headers["x-injected"] == nil)
        #expect(parts[0].headers["x"] == nil)
        #expect(parts[0].headers["content-type"] == "image/pngX: 2")
    }

    @Test func boundariesAreRandom() {
        let a = MultipartFormData(field: "image", fileName: "a", mimeType: "image/png", content: Data())
        let b = MultipartFormData(field: "image", fileName: "a", mimeType: "image/png", content: Data())
        #expect(a.boundary != b.boundary)
    }

    @Test func uploadArrivesIntactOverHTTP() async throws {
        let server = try await ScriptedServer { _, _ in
            json(200, #"{"data":{"image_url":"https://cdn.example/avatars/me.png"}}"#)
        }
        let url = try await makeClient(server.baseURL)
            .putAvatar(.me, image: Self.trickyImage, fileName: "me.png", mimeType: "image/png")
        #expect(url == "https://cdn.example/avatars/me.png")
        let seen = try #require(await server.log.requests.first)
        #expect(seen.method == "PUT" && seen.path == "/profile/avatar")
        let contentType = try #require(seen.headers["content-type"])
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        let b = try #require(boundary(fromContentType: contentType))
        let parts = try #require(parseMultipart(seen.body, boundary: b))
        #expect(parts.count == 1)
        #expect(parts.first?.name == "image")
        #expect(parts.first?.fileName == "me.png")
        #expect(parts.first?.headers["content-type"] == "image/png")
        #expect(parts.first?.body == Self.trickyImage)
    }

    /// What curl -F sends, parsed by the same independent parser, has the same shape as ours:
    /// so a server that accepts curl's upload accepts ours.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is missing"))
    func matchesCurlsShape() async throws {
        let curl = "/usr/bin/curl"
        let server = try await ScriptedServer { _, _ in json(200, #"{"data":{"image_url":"u"}}"#) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pachca-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("me.png")
        try Self.trickyImage.write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = ["-s", "-o", "/dev/null", "-X", "PUT", "-F", "image=@\(file.path);type=image/png",
                             "http://127.0.0.1:\(server.port)/profile/avatar"]
        var env = ProcessInfo.processInfo.environment
        env["NO_PROXY"] = "127.0.0.1,localhost"
        env["no_proxy"] = "127.0.0.1,localhost"
        process.environment = env
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        _ = try await makeClient(server.baseURL).putAvatar(.me, image: Self.trickyImage, fileName: "me.png", mimeType: "image/png")
        let seen = await server.log.requests
        try #require(seen.count == 2)
        let shapes = try seen.map { request -> [ParsedPart] in
            let b = try #require(boundary(fromContentType: request.headers["content-type"] ?? ""))
            return try #require(parseMultipart(request.body, boundary: b))
        }
        #expect(shapes[0].count == 1 && shapes[1].count == 1)
        #expect(shapes[0][0].name == shapes[1][0].name)
        #expect(shapes[0][0].fileName == shapes[1][0].fileName)
        #expect(shapes[0][0].headers["content-type"] == shapes[1][0].headers["content-type"])
        #expect(shapes[0][0].body == shapes[1][0].body)
    }
}
