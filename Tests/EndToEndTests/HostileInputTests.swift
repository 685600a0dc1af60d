import Foundation
import PachcaEmulator
import TestTeardown
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 10: the token source and file names are checked at the edge, and text from the
/// server cannot rewrite the screen or speak to the CI runner.
@Suite(.awaitsTeardown) struct HostileInputTests {
    @Test func tokenFileProblemsAreExit3WithTheirOwnMessages() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let noEnv = ["PACHCA_TOKEN": ""]
        let missing = try await h.run(["plan", "--token-file", "nope.txt", "me.yaml"], env: noEnv)
        #expect(missing.exitCode == 3)
        #expect(missing.stderr.contains("token file nope.txt does not exist"), "\(missing.stderr)")
        try h.write("empty.txt", "\n")
        let empty = try await h.run(["plan", "--token-file", "empty.txt", "me.yaml"], env: noEnv)
        #expect(empty.exitCode == 3)
        #expect(empty.stderr.contains("token file empty.txt is empty"), "\(empty.stderr)")

        // CR/LF inside used to drop the Authorization header silently.
        let inner = "abc123\r\nX-Injected: 1"
        try h.write("crlf.txt", inner + "\n")
        chmod(h.path("crlf.txt"), 0o600)
        let crlf = try await h.run(["plan", "--token-file", "crlf.txt", "me.yaml"], env: noEnv)
        #expect(crlf.exitCode == 3)
        #expect(crlf.stderr.contains("contains a control character at character 7"), "\(crlf.stderr)")
        #expect(!crlf.stderr.contains("abc123") && !crlf.stderr.contains("X-Injected"))
        #expect(!crlf.stderr.contains("accessible by others"))
        let spaced = try await h.run(["show"], env: ["PACHCA_TOKEN": "abc def-0123456789"])
        #expect(spaced.exitCode == 3)
        #expect(spaced.stderr.contains("contains white space"), "\(spaced.stderr)")
        #expect(!spaced.stderr.contains("def-0123"))
        #expect(await h.apiCalls().isEmpty)

        // Readable by others: works, with a warning like ssh's.
        try h.write("open.txt", h.token + "\n")
        chmod(h.path("open.txt"), 0o644)
        let open = try await h.run(["plan", "--token-file", "open.txt", "me.yaml"], env: noEnv)
        #expect(open.exitCode == 0, "\(open.stderr)")
        #expect(open.stderr.contains("accessible by others (mode 0644)"), "\(open.stderr)")

        // A 3 GB token file is refused by its size, not read.
        let fd = Glibc.open(h.path("huge.txt"), O_WRONLY | O_CREAT, 0o600)
        #expect(ftruncate(fd, 3 << 30) == 0)
        close(fd)
        let huge = try await h.run(["plan", "--token-file", "huge.txt", "me.yaml"], env: noEnv, timeout: 20)
        #expect(huge.exitCode == 3 && !huge.timedOut)
        #expect(huge.stderr.contains("too large for a token"), "\(huge.stderr)")
    }

    /// A file name that is not UTF-8 used to be reported as "no such file".
    @Test func nonUTF8FileNameIsShownAsItsBytes() async throws {
        let h = try await Harness.start()
        // Run through /bin/sh so the argument reaches the tool as raw bytes.
        let script = "exec \"$PACHCA_PROFILE\" validate \"$(printf 'caf\\351.yaml')\""
        let r = try await runProfileShell(script, cwd: h.directory)
        #expect(r.exitCode == 64, "\(r.stderr)")
        #expect(r.stderr.contains("caf\\xE9.yaml"), "\(r.stderr)")
        #expect(!r.stderr.lowercased().contains("no such file"))
    }

    /// A shipped file whose name holds a line break cannot fake a finding or a summary line.
    @Test func fileNamesWithLineBreaksStayOnOneLine() async throws {
        let h = try await Harness.start()
        let name = "x\nme.yaml: valid\n::error::y\u{1B}[2K.yaml"
        try h.write(name, "status:\n  emoji: nope\n")
        let r = try await h.run(["validate", name], env: ["GITHUB_ACTIONS": "true"])
        #expect(r.exitCode == 1)
        let lines = (r.stdout + r.stderr).split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("me.yaml") || $0.hasPrefix("::error::y") }, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("x\\u000Ame.yaml: valid\\u000A::error::y\\u001B[2K.yaml: invalid"), "\(r.stdout)")
        #expect(r.stderr.contains("x\\u000Ame.yaml"), "\(r.stderr)")
    }

    /// Titles and names holding ESC sequences, CR, LF or `::` used to reach the terminal raw.
    @Test func serverTextIsInertInHumanOutput() async throws {
        let h = try await Harness.start {
            $0.user = HostileBehaviour.yamlLookingUser
            $0.customProperties = [SeedCustomProperty(name: "::set-output name=x::", value: "\n::error::injected\r\u{1B}[2K")]
        }
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "\u{1B}]0;title\u{7}\u{1B}[2K\rok\n  + avatar", isAway: true,
                                                  awayMessage: "\u{202E}evil\u{9B}31m\u{7F}"))
        try h.write("me.yaml", ReconcileTests.statusOnly)
        // JSON documents stay valid and exact: the sink's escapes are JSON escapes.
        let show = try await h.run(["show", "--json"])
        let document = try Harness.json(show.stdout)
        let status = try #require(document["status"] as? [String: Any])
        #expect(status["title"] as? String == "\u{1B}]0;title\u{7}\u{1B}[2K\rok\n  + avatar")
        #expect(status["away_message"] as? String == "\u{202E}evil\u{9B}31m\u{7F}")
        #expect(!show.stdout.unicodeScalars.contains("\u{202E}"))
        var outputs: [String] = []
        for args in [["plan", "me.yaml"], ["show"], ["doctor"], ["apply", "--auto-approve", "me.yaml"]] {
            let r = try await h.run(args, env: ["GITHUB_ACTIONS": "true"])
            outputs += [r.stdout, r.stderr]
        }
        let all = outputs.joined(separator: "\n")
        #expect(all.contains("\\u001B]0;title"), "\(all)")
        for raw in ["\u{1B}", "\r", "\u{202E}", "\u{9B}", "\u{7F}", "\u{7}"] {
            #expect(!all.unicodeScalars.contains(raw.unicodeScalars.first!), "raw \(raw.debugDescription) in output")
        }
        for line in all.split(separator: "\n") {
            let body = line.drop(while: { $0 == " " || $0 == "\t" })
            #expect(!body.hasPrefix("::") && !body.hasPrefix("##["), "a line starts a workflow command: \(line)")
            #expect(!body.hasPrefix("+ avatar"), "a fake plan line: \(line)")
        }
    }
}

/// Runs a shell script with `$PACHCA_PROFILE` set to the built binary (for raw-byte arguments).
func runProfileShell(_ script: String, cwd: URL) async throws -> RunResult {
    try await runProgram(URL(fileURLWithPath: "/bin/sh"), ["-c", script],
                         environment: ["PACHCA_PROFILE": try ProfileToolBinary.url().path, "PATH": "/usr/bin:/bin"], cwd: cwd)
}
