import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// A saved plan is trusted no further than it can be checked: hand edits that would make
/// `apply --plan` write something else, somewhere else or to someone else are refused
/// before any write (the journal is the oracle).
@Suite(.awaitsTeardown) struct SavedPlanTests {
    static func sha256(of path: String) throws -> String {
        let r = try runProgramBlocking(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", path], environment: ["PATH": "/usr/bin:/bin"])
        return String(r.stdout.prefix(64))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum"), "sha256sum is missing"))
    func aPlanPointedAtAnotherFileIsRefused() async throws {
        try await Harness.with { h in
            try h.write("profiles/me.png", bytes: Harness.png())
            try h.write("profiles/me.yaml", "avatar: me.png\n")
            try h.write("profiles/secret.txt", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n")
            #expect(try await h.run(["plan", "--out", "plan.json", "profiles/me.yaml"]).exitCode == 0)
            var text = try String(contentsOfFile: h.path("plan.json"), encoding: .utf8)
            let original = try Self.sha256(of: h.path("profiles/me.png"))
            let secret = try Self.sha256(of: h.path("profiles/secret.txt"))
            #expect(text.contains(original))
            text = text.replacingOccurrences(of: "profiles/me.png", with: "profiles/secret.txt")
                .replacingOccurrences(of: original, with: secret)
            try text.write(toFile: h.path("plan.json"), atomically: true, encoding: .utf8)
            let r = try await h.run(["apply", "--plan", "plan.json"])
            #expect(r.exitCode == 1, "\(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("stale plan plan.json") && r.stderr.contains("avatar file"), "\(r.stderr)")
            #expect(!r.stderr.contains("wJalrX") && !r.stdout.contains("wJalrX"), "\(r.stderr)")
            #expect(await h.writes().isEmpty)
        }
    }

    @Test func aPlanListingOnePersonTwiceOrAnAbsolutePathIsRefusedBeforeAnyRequest() async throws {
        try await TeamTests.start().use { h in
            #expect(try await h.run(["plan", "--out", "plan.json", "team"]).exitCode == 0)
            let saved = try Harness.json(try String(contentsOfFile: h.path("plan.json"), encoding: .utf8))
            var profiles = try #require(saved["profiles"] as? [[String: Any]])
            var binding = try #require(saved["binding"] as? [String: Any])
            var ids = try #require(binding["subject_ids"] as? [Int])

            var twice = saved
            profiles.append(profiles[0]); ids.append(ids[0]); binding["subject_ids"] = ids
            twice["profiles"] = profiles; twice["binding"] = binding
            try JSONSerialization.data(withJSONObject: twice).write(to: URL(fileURLWithPath: h.path("twice.json")))

            var absolute = saved
            var first = try #require((saved["profiles"] as? [[String: Any]])?.first)
            first["file"] = "/etc/team/me.yaml"
            var all = try #require(saved["profiles"] as? [[String: Any]])
            all[0] = first
            absolute["profiles"] = all
            try JSONSerialization.data(withJSONObject: absolute).write(to: URL(fileURLWithPath: h.path("absolute.json")))

            await h.emulator.resetJournal()
            for (file, says) in [("twice.json", "planned twice"), ("absolute.json", "absolute")] {
                let r = try await h.run(["apply", "--plan", file])
                #expect(r.exitCode == 1, "\(file): \(r.stdout)\(r.stderr)")
                #expect(r.stderr.contains(says), "\(file): \(r.stderr)")
            }
            #expect(await h.apiCalls().isEmpty)
        }
    }

    @Test func aPersonSuspendedSinceThePlanIsNotWritten() async throws {
        try await TeamTests.start().use { h in
            #expect(try await h.run(["plan", "--out", "plan.json", "team/anna.yaml"]).exitCode == 0)
            await h.emulator.updatePerson(id: 3001) { $0.suspended = true }
            let r = try await h.run(["apply", "--plan", "plan.json"])
            #expect(r.exitCode == 1, "\(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("user 3001 has been suspended since the plan was made"), "\(r.stderr)")
            #expect(await h.writes().isEmpty)
        }
    }

    @Test func stateNamesOneRecordSoASavedPlanOfSeveralRefusesIt() async throws {
        try await TeamTests.start().use { h in
            #expect(try await h.run(["plan", "--out", "plan.json", "team"]).exitCode == 0)
            await h.emulator.resetJournal()
            let r = try await h.run(["apply", "--plan", "plan.json", "--state", "one.json"])
            #expect(r.exitCode == 64, "\(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("--state applies to a run with one file"), "\(r.stderr)")
            #expect(await h.apiCalls().isEmpty)
        }
    }
}
