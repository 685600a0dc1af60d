import Foundation
import TestTeardown
import Testing

/// The `pachca-emulator` binary built next to the test bundle, if any.
private func emulatorBinary() -> URL? {
    var candidates: [URL] = []
    if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
    for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent()) }
    for dir in candidates {
        for d in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
            let u = d.appendingPathComponent("pachca-emulator")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
    }
    return nil
}

@Suite(.awaitsTeardown, .enabled(if: emulatorBinary() != nil && curlAvailable)) struct ExecutableTests {
    @Test func startsPrintsTwoLinesServesAndStopsOnSIGTERM() async throws {
        let binary = try #require(emulatorBinary())
        let p = Process()
        p.executableURL = binary
        p.arguments = ["--port", "0", "--rate-limit", "100", "--avatar-url-naming", "random"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        // Read stdout while the process runs, until both lines arrived (off the cooperative pool).
        let reader = out.fileHandleForReading
        let text = try await offPool { () -> String in
            var text = ""
            while text.components(separatedBy: "\n").count < 3 {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let base = try #require(lines.first { $0.hasPrefix("base_url=") }.map { String($0.dropFirst(9)) })
        let token = try #require(lines.first { $0.hasPrefix("token=") }.map { String($0.dropFirst(6)) })
        #expect(base.range(of: #"^http://127\.0\.0\.1:\d+/api/shared/v1$"#, options: .regularExpression) != nil)
        #expect(token == "demo-token-0123456789abcdef")

        let status = try await curl(["-H", "Authorization: Bearer \(token)", base + "/profile/status"])
        #expect(status.wire.status == 200)
        #expect(status.wire.text == "null")
        let unauthorized = try await curl([base + "/profile"])
        #expect(unauthorized.wire.status == 401)

        kill(p.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(10)
        while p.isRunning, Date() < stopDeadline { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(!p.isRunning)
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 0)
    }
}
