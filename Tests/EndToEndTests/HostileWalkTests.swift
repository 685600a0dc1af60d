import Foundation
import PachcaEmulator
import TestTeardown
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 19: a pull request could make the action read runner files into the public log
/// through a `*.yaml` symlink in a walked folder; skipped entries vanished without a word.
@Suite(.awaitsTeardown) struct HostileWalkTests {
    @Test func aSymlinkOutOfTheFolderIsRefusedAndNeverQuoted() async throws {
        try await Harness.with { h in
            try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"💻\", title: Work}\n")
            try h.write("secret.env", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n")
            try FileManager.default.createSymbolicLink(atPath: h.path("team/leak.yaml"), withDestinationPath: h.path("secret.env"))
            for command in [["validate", "team"], ["plan", "team"]] {
                let run = try await h.run(command)
                #expect(run.exitCode == 1, "\(command): \(run.stdout)\(run.stderr)")
                let all = run.stdout + run.stderr
                #expect(all.contains("team/leak.yaml"), "\(all)")
                #expect(all.contains("symbolic link to a file outside team"), "\(all)")
                #expect(!all.contains("AWS") && !all.contains("wJalr"), "\(all)")
            }
            #expect(await h.apiCalls().isEmpty)
        }
    }

    @Test func validateListsWhatItDidNotRead() async throws {
        try await Harness.with { h in
            try h.write("team/anna.yaml", "user: anna@example.com\nstatus: {emoji: \"💻\", title: Work}\n")
            try h.write("team/boris.yaml", "user: boris@example.com\nstatus: {emoji: \"💻\", title: Work}\n")
            try FileManager.default.createSymbolicLink(atPath: h.path("team/gone.yaml"), withDestinationPath: h.path("nowhere.yaml"))
            #expect(mkfifo(h.path("team/pipe.yaml"), 0o644) == 0)
            // A name that is not UTF-8 (byte 0xFF).
            var bad = Array(h.path("team/bad").utf8) + [0xFF] + Array(".yaml".utf8) + [0]
            let fd = bad.withUnsafeMutableBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_WRONLY | O_CREAT, 0o644) }
            }
            #expect(fd >= 0)
            close(fd)
            let run = try await h.run(["validate", "team"], timeout: 20)
            #expect(!run.timedOut, "blocked on the FIFO")
            #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
            let all = run.stdout + run.stderr
            #expect(all.contains("team/gone.yaml") && all.contains("dangling symbolic link"), "\(all)")
            #expect(all.contains("team/pipe.yaml") && all.contains("a FIFO"), "\(all)")
            #expect(all.contains("team/bad\\xff.yaml") && all.contains("not valid UTF-8"), "\(all)")
        }
    }
}

/// Issue 19: a 100,000-character zone name took 25 s in a file and 31 s per person from the
/// server under `timezone: profile`, then was printed whole.
@Suite(.awaitsTeardown) struct HostileZoneTests {
    static let hugeName = String(repeating: "Europe/Moscow", count: 7_700)

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent)) func aHugeZoneNameInAFileValidatesAtOnce() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ScheduleTests.file(timezone: Self.hugeName))
            let started = Date()
            let run = try await h.run(["validate", "me.yaml"])
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(run.exitCode == 1)
            #expect(run.stderr.contains("unknown time zone"), "\(run.stderr.prefix(500))")
            #expect(!run.stderr.contains("did you mean"))
            #expect(run.stderr.count < 2_000, "\(run.stderr.count) characters")
        }
    }

    @Test(.enabled(if: ScheduleTests.zoneinfoPresent)) func aHugeServerZoneNameIsRefusedAtOnce() async throws {
        try await Harness.with(configure: { $0.user = SeedUser(timeZone: Self.hugeName) }) { h in
            try h.write("me.yaml", ScheduleTests.file(timezone: "profile"))
            let started = Date()
            let run = try await h.run(["plan", "me.yaml"])
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(run.exitCode == 1)
            #expect(run.stderr.contains("unknown time zone"), "\(run.stderr.prefix(500))")
            #expect(run.stderr.count < 2_000, "\(run.stderr.count) characters")
        }
    }
}
