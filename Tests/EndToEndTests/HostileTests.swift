import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Issue 10: the tool against a malicious or broken server, odd files in the repository and
/// concurrent CI jobs. Each test reproduces one way this went wrong before.
@Suite(.awaitsTeardown) struct HostileTests {
    /// A `first_name` that breaks out of the comment must not become `avatar: null` (which
    /// would delete the live avatar on the next apply).
    @Test func exportKeepsServerTextInsideItsComment() async throws {
        let h = try await Harness.start {
            $0.user.firstName = "Ho\navatar: null\n#"
            $0.user.lastName = "\u{1B}]0;pwned\u{7}\r::error::x"
        }
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

extension HostileTests {
    static let secret = "SECRET/a+b&c=d-9f8e7d6c5b4a39281706"

    /// Everything that must not appear anywhere: the token raw, in each encoding a server
    /// uses, decoded once more, and every 8-character fragment of it.
    static func forbidden(_ token: String) -> [String] {
        let c = Array(token)
        let fragments = (0...(c.count - 8)).map { String(c[$0..<($0 + 8)]) }
        let encoded = TokenEcho.allCases.map { $0.encode(token) }
        let decodedOnce = encoded.compactMap { text -> String? in
            (try? JSONSerialization.jsonObject(with: Data("[\"\(text)\"]".utf8)) as? [String])?.first
        }
        return [token] + encoded + decodedOnce + fragments
    }

    static func assertClean(_ texts: [String], token: String, _ context: String) {
        for text in texts {
            for needle in forbidden(token) where text.contains(needle) {
                Issue.record("\(context): found \(needle.debugDescription) in \(text.prefix(2000))")
            }
        }
    }

    /// 401, 403 and 422 bodies echo the token in every encoding; no command prints it.
    @Test func echoedTokenNeverReachesOutput() async throws {
        let h = try await Harness.start(token: Self.secret) { $0.hostile.echoToken = TokenEcho.allCases }
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        var texts: [String] = []
        // 401: a token the server does not know (echoed back: it is the presented one).
        let wrong = "SECRET-rejected/x+y-0123456789abcdef"
        for args in [["plan", "me.yaml"], ["apply", "--auto-approve", "me.yaml"], ["show"], ["doctor"], ["doctor", "--json"], ["export"], ["plan", "--json", "me.yaml"]] {
            let r = try await h.run(args + ["-v"], env: ["PACHCA_TOKEN": wrong, "GITHUB_ACTIONS": "true"])
            #expect(r.exitCode == 3, "\(args): \(r.stderr)")
            Self.assertClean([r.stdout, r.stderr], token: wrong, "401 \(args)")
        }
        // 403: scopes missing for the avatar write and for custom properties.
        await h.emulator.setTokenScopes(token: Self.secret, scopes: ["profile:read", "profile_status:read", "profile_status:write"])
        for args in [["show"], ["show", "--json"], ["apply", "--auto-approve", "me.yaml"]] {
            let r = try await h.run(args)
            texts += [r.stdout, r.stderr]
        }
        await h.emulator.setTokenScopes(token: Self.secret, scopes: ["profile_status:read"])
        for args in [["plan", "me.yaml"], ["doctor"], ["doctor", "--json"], ["export"]] {
            let r = try await h.run(args)
            #expect(r.exitCode == 3, "\(args): \(r.stderr)")
            texts += [r.stdout, r.stderr]
        }
        // 422 and other refusals on the writes (5xx bodies take the same path, after retries).
        await h.emulator.setTokenScopes(token: Self.secret, scopes: EmulatorConfiguration.allProfileScopes)
        await h.emulator.injectFault(.status(422), method: "PUT", path: "/profile/status", count: 1)
        await h.emulator.injectFault(.status(418), method: "PUT", path: "/profile/avatar", count: 1)
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
        texts += [apply.stdout, apply.stderr]
        Self.assertClean(texts, token: Self.secret, "403/422/5xx")
        #expect(texts.joined().contains("<redacted>"), "the echo was there to redact")
    }

    /// `http://user:password@host` is never printed: not by the insecure-URL error, not by doctor.
    @Test func urlUserinfoIsNeverPrinted() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let insecure = try await h.run(["plan", "--api-url", "http://user:pa55word@api.example.invalid/api/shared/v1", "me.yaml"])
        #expect(insecure.exitCode == 1)
        #expect(insecure.stderr.contains("http://"), "\(insecure.stderr)")
        var url = URLComponents(url: h.emulator.baseURL, resolvingAgainstBaseURL: false)!
        url.user = "user"; url.password = "pa55word"
        let doctor = try await h.run(["doctor", "--api-url", url.string!])
        let doctorJSON = try await h.run(["doctor", "--json", "--api-url", url.string!])
        for r in [insecure, doctor, doctorJSON] {
            #expect(!(r.stdout + r.stderr).contains("pa55word"), "\(r.stdout)\(r.stderr)")
        }
        #expect(doctor.stdout.contains("<redacted>@127.0.0.1"), "\(doctor.stdout)")
    }
}
