import Foundation
import TestTeardown
import Testing

/// Runs the built `pachca-profile validate` and checks stdout, stderr and the exit code apart.
@Suite(.awaitsTeardown) struct ValidateCommandTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A scratch folder with the given files, removed afterwards by the caller.
    func scratch(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString)")
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func exampleProfilesAreValid() async throws {
        // profiles/ is what a user validates whole: it must pass, without a single warning
        // (the schedule's overlapping windows are the ordinary case, not a finding).
        let whole = try await runProfileTool(["validate", "profiles"], cwd: Self.repo)
        #expect(whole.exitCode == 0, "\(whole.stderr)")
        #expect(whole.stderr == "")
        #expect(whole.stdout.split(separator: "\n").count >= 5, "\(whole.stdout)")
        #expect(whole.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix(": valid") }, "\(whole.stdout)")
        // examples/profiles/ holds alternatives for the token owner: one run each (two files
        // about one person in one run are an error).
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.repo.appendingPathComponent("examples/profiles").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count >= 4)
        for name in names {
            let r = try await runProfileTool(["validate", "examples/profiles/\(name)"], cwd: Self.repo)
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stderr == "")
            #expect(r.stdout == "examples/profiles/\(name): valid\n")
        }
    }

    @Test func errorsGoToStderrWithPositionsAndExitOne() async throws {
        let dir = try scratch(["bad.yaml": "version: 1\nstatus:\n  emoji: ok\n  title: \"\(String(repeating: "x", count: 63))\"\n  is_away: yes\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "bad.yaml"], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(r.stderr == """
            bad.yaml:3:10: error: status.emoji: expected a single emoji (got 'ok')
              note: write one emoji character, e.g. "🏖️"
            bad.yaml:4:10: error: status.title: at most 50 characters (got 63)
            bad.yaml:5:12: error: status.is_away: expected true or false (got 'yes')
              note: YAML 1.1 words such as yes/no/on/off are not booleans here; write true or false

            """)
        #expect(r.stdout == "bad.yaml: invalid (3 errors)\n")
        #expect(!r.stderr.contains("\u{1B}["))  // not a terminal: no color, no source lines
    }

    @Test func warningsDoNotFail() async throws {
        let dir = try scratch(["w.yaml": "status: {emoji: \"⌛\", title: Old, expires_at: 2001-01-01T00:00:00Z}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "w.yaml"], cwd: dir)
        #expect(r.exitCode == 0)
        #expect(r.stderr.hasPrefix("w.yaml:1:46: warning: status.expires_at: already in the past (2001-01-01T00:00:00.000Z)"))
        #expect(r.stdout == "w.yaml: valid (1 warning)\n")
    }

    @Test func jsonReportsEveryFileOnStdoutOnly() async throws {
        let dir = try scratch(["ok.yaml": "status: null\n", "bad.yaml": "avatar: missing.png\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "--json", "ok.yaml", "bad.yaml", "nope.yaml"], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(r.stderr == "")
        #expect(r.stdout == """
            {"files":[{"diagnostics":[],"file":"ok.yaml","valid":true},\
            {"diagnostics":[{"column":9,"file":"bad.yaml","line":1,"message":"file not found (missing.png)","notes":["the path is relative to this YAML file's directory"],"path":"avatar","severity":"error"}],"file":"bad.yaml","valid":false},\
            {"diagnostics":[{"column":0,"file":"nope.yaml","line":0,"message":"cannot read the file: no such file","notes":[],"path":"","severity":"error"}],"file":"nope.yaml","valid":false}],"format_version":"1"}

            """)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((object?["files"] as? [Any])?.count == 3)
    }

    @Test func githubActionsAnnotations() async throws {
        let dir = try scratch(["p.yaml": "stauts: null\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "p.yaml"], env: ["GITHUB_ACTIONS": "true"], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(r.stdout == "::error file=p.yaml,line=1,col=1::stauts: unknown key%0Anote: did you mean 'status'?\np.yaml: invalid (1 error)\n")
        #expect(r.stderr == "p.yaml:1:1: error: stauts: unknown key\n  note: did you mean 'status'?\n")
        // Without the variable there are no workflow commands.
        let plain = try await runProfileTool(["validate", "p.yaml"], cwd: dir)
        #expect(!plain.stdout.contains("::error"))
    }

    @Test func unreadableAndMissingFilesAreDiagnosticsNotCrashes() async throws {
        let dir = try scratch(["sub/.keep": ""])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "sub", "absent.yaml"], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(r.stderr == "sub: error: no *.yaml or *.yml file in this directory\nabsent.yaml: error: cannot read the file: no such file\n")
    }

    @Test func usageErrorsExit64() async throws {
        let none = try await runProfileTool(["validate"])
        #expect(none.exitCode == 64)
        #expect(none.stdout == "")
        #expect(none.stderr.contains("Missing expected argument"))
        let unknown = try await runProfileTool(["validate", "--bogus", "x.yaml"])
        #expect(unknown.exitCode == 64)
    }

    @Test func noColorFlagIsAccepted() async throws {
        let dir = try scratch(["p.yaml": "status: null\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "--no-color", "p.yaml"], env: ["NO_COLOR": "1"], cwd: dir)
        #expect(r.exitCode == 0)
        #expect(r.stdout == "p.yaml: valid\n")
    }

    @Test func versionFlag() async throws {
        let r = try await runProfileTool(["--version"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }

    /// The runner drains both pipes while the child runs: a large output must not deadlock.
    @Test func runnerHandlesLargeOutput() async throws {
        let many = (0..<3000).map { "k\($0): 1\n" }.joined()
        let dir = try scratch(["big.yaml": many])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "--json", "big.yaml"], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(!r.timedOut)
        #expect(r.stdout.count > 100_000)
        #expect(r.stdout.hasSuffix("\"valid\":false}],\"format_version\":\"1\"}\n"))
    }

    @Test func directoriesAndDuplicateSubjectsAcrossFiles() async throws {
        let dir = try scratch([
            "team/anna.yaml": "user: anna@example.com\nstatus: null\n",
            "team/sub/anna-again.yml": "status: null\nuser: Anna@Example.com\n",
            "team/.draft.yaml": "this is: [not valid\n",
            "team/.git/x.yaml": "nor: [this\n",
            "team/readme.txt": "ignored",
            "me.yaml": "status: null\n",
            "also-me.yaml": "avatar: null\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runProfileTool(["validate", "me.yaml", "team", "also-me.yaml"], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(r.stdout == "me.yaml: valid\nteam/anna.yaml: valid\nteam/sub/anna-again.yml: invalid (1 error)\nalso-me.yaml: invalid (1 error)\n")
        #expect(r.stderr.contains("team/sub/anna-again.yml:2:7: error: user: team/anna.yaml already describes this person"))
        #expect(r.stderr.contains("also-me.yaml: error: me.yaml already describes the token owner's own profile"))
        let ok = try await runProfileTool(["validate", "team"], cwd: dir)
        #expect(ok.exitCode == 1)
        let one = try await runProfileTool(["validate", "team/anna.yaml", "me.yaml"], cwd: dir)
        #expect(one.exitCode == 0, "\(one.stderr)")
    }

    @Test func aThousandFilesValidateInUnderASecond() async throws {
        var files: [String: String] = [:]
        for i in 0..<1000 { files["team/p\(i).yaml"] = "user: person\(i)@example.com\nstatus: {emoji: \"💻\", title: Работаю}\n" }
        let dir = try scratch(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let started = ContinuousClock.now
        let r = try await runProfileTool(["validate", "team"], cwd: dir)
        let elapsed = ContinuousClock.now - started
        #expect(r.exitCode == 0, "\(r.stderr.prefix(500))")
        #expect(r.stdout.split(separator: "\n").count == 1000)
        #expect(elapsed < .seconds(3), "validate of 1,000 files took \(elapsed) (a debug build; the release figure is in BENCHMARKS.md)")
    }
}
