import Foundation
import PachcaEmulator
import Testing

/// Issue 10: the tool against a malicious or broken server, odd files in the repository and
/// concurrent CI jobs. Each test reproduces one way this went wrong before.
@Suite struct HostileTests {
    /// A `first_name` that breaks out of the comment must not become `avatar: null` (which
    /// would delete the live avatar on the next apply).
    @Test func exportKeepsServerTextInsideItsComment() async throws {
        let h = try await Harness.start {
            $0.user.firstName = "Ho\navatar: null\n#"
            $0.user.lastName = "\u{1B}]0;pwned\u{7}\r::error::x"
        }
        defer { Task { await h.stop() } }
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "a: b # c\nstatus: null", isAway: true,
                                                  awayMessage: "'\"\\\u{1B}[2K\u{202E}", expiresAt: Harness.iso(86_400)))
        await h.emulator.setAvatar(bytes: Harness.png(variant: 3), fileName: "x.png")
        let export = try await h.run(["export", "-o", "exported.yaml"])
        #expect(export.exitCode == 0, "\(export.stderr)")
        let text = try String(contentsOfFile: h.path("exported.yaml"), encoding: .utf8)
        let lines = text.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        #expect(!lines.contains { $0.hasPrefix("avatar") }, "\(text)")
        #expect(lines.filter { $0.hasPrefix("#") }.count == 1, "\(text)")
        #expect(!text.contains("\u{1B}") && !text.contains("\r"))
        let plan = try await h.run(["plan", "--detailed-exitcode", "exported.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
        let apply = try await h.run(["apply", "--auto-approve", "exported.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(await h.writes().isEmpty)
        #expect(await h.emulator.avatarURL() != nil)
    }
}
