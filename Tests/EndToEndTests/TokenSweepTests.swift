import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// Issue 10's sweep: every command, in every output mode, against a server that echoes the
/// token in every encoding it can and puts it in names and property values — then a grep of
/// everything printed and every file written for the token, raw and in each encoding.
@Suite(.awaitsTeardown) struct TokenSweepTests {
    @Test func theTokenIsInNothingPrintedOrWritten() async throws {
        let token = HostileTests.secret
        let h = try await Harness.start(token: token) {
            $0.hostile.echoToken = TokenEcho.allCases
            $0.user.firstName = "Ho\navatar: null\n# \(token)"
            $0.user.lastName = TokenEcho.jsonEscapedSlash.encode(token)
            $0.customProperties = [SeedCustomProperty(name: "::\(token)", value: TokenEcho.percent.encode(token))]
        }
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "\u{1B}[2K::error::x", awayMessage: TokenEcho.masked.encode(token)))
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        try h.write("bad.yaml", "status:\n  emoji: nope\n  title: \"\(token)\"\ntoken: \(token)\n")
        try h.write("token.txt", token + "\n")
        let summary = h.path("summary.md")
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary]
        _ = FileManager.default.createFile(atPath: summary, contents: nil)

        let wrong = "SECRET-wrong/9+8&7=6-0123456789abcdef"
        let runs: [([String], [String: String])] = [
            (["validate", "me.yaml", "bad.yaml"], [:]), (["validate", "--json", "bad.yaml"], [:]),
            (["plan", "-v", "--out", "plan.json", "me.yaml"], [:]), (["plan", "--json", "me.yaml"], [:]),
            (["plan", "bad.yaml"], [:]),
            (["apply", "-v", "--plan", "plan.json"], [:]),
            (["apply", "-v", "--auto-approve", "me.yaml"], [:]), (["apply", "--json", "--auto-approve", "me.yaml"], [:]),
            (["export", "-v", "--avatar-out", "saved.png", "-o", "exported.yaml"], [:]), (["export"], [:]),
            (["show", "-v"], [:]), (["show", "--json"], [:]),
            (["doctor", "-v"], [:]), (["doctor", "--json"], [:]),
            (["plan", "-v", "--token-file", "token.txt", "me.yaml"], ["PACHCA_TOKEN": ""]),
            (["show", "--token", token], ["PACHCA_TOKEN": ""]),
            (["show", "--token=\(token)", "--bogus"], ["PACHCA_TOKEN": ""]),
            (["plan", "--timeout", token, "me.yaml"], [:]),
            (["doctor", "--api-url", "http://\(token)@example.invalid/api"], [:]),
            (["plan", "-v", "me.yaml"], ["PACHCA_TOKEN": wrong]), (["doctor", "--json"], ["PACHCA_TOKEN": wrong]),
            (["apply", "--auto-approve", "me.yaml"], ["PACHCA_TOKEN": wrong]),
        ]
        var printed: [String] = []
        for (args, extra) in runs {
            let r = try await h.run(args, env: env.merging(extra) { _, new in new })
            #expect(!r.timedOut, "\(args)")
            printed += [r.stdout, r.stderr]
        }
        // Faults on writes: 422/4xx bodies echoing the token.
        try await h.emulator.setStatus(nil)
        await h.emulator.injectFault(.status(422), method: "PUT", path: "/profile/status", count: 1)
        await h.emulator.injectFault(.status(418), method: "PUT", path: "/profile/avatar", count: 1)
        try h.write("me2.png", bytes: Harness.png(variant: 9))
        try h.write("me.yaml", ReconcileTests.vacation.replacingOccurrences(of: "me.png", with: "me2.png"))
        let failing = try await h.run(["apply", "-v", "--auto-approve", "me.yaml"], env: env)
        #expect(failing.exitCode == 1)
        printed += [failing.stdout, failing.stderr]

        var written: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: h.directory.path) where name != "token.txt" && name != "bad.yaml" {
            if let data = FileManager.default.contents(atPath: h.path(name)) { written[name] = String(decoding: data, as: UTF8.self) }
        }
        if let data = FileManager.default.contents(atPath: h.path(h.record())) { written[h.record()] = String(decoding: data, as: UTF8.self) }
        #expect(written.keys.contains(h.record()) && written.keys.contains("plan.json") && written.keys.contains("exported.yaml"),
                "\(written.keys.sorted())")
        #expect(!(written["summary.md"] ?? "").isEmpty)
        for t in [token, wrong] {
            HostileTests.assertClean(printed, token: t, "printed")
            for (name, text) in written { HostileTests.assertClean([text], token: t, "file \(name)") }
        }
        #expect(printed.joined().contains("<redacted>"))
    }
}
