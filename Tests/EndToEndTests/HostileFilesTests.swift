import Foundation
import PachcaEmulator
import TestTeardown
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 10: files a repository may ship, concurrent CI jobs, and local reads that must be
/// bounded — each reproduced as it went wrong before.
@Suite(.awaitsTeardown) struct HostileFilesTests {
    /// Two CI jobs at once used to race on one fixed temp name ("could not be written").
    @Test func twentyParallelAppliesAllSucceed() async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        let results = try await withThrowingTaskGroup(of: RunResult.self) { group in
            for _ in 0..<20 { group.addTask { try await h.run(["apply", "--auto-approve", "me.yaml"]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for r in results {
            #expect(r.exitCode == 0, "\(r.stdout)\(r.stderr)")
            #expect(!r.stderr.contains("could not be written"))
        }
        // Serialized: exactly one run wrote; the others planned from its result.
        #expect(await h.writes().sorted() == ["PUT /profile/avatar", "PUT /profile/status"])
        let record = try #require(FileManager.default.contents(atPath: h.path(h.record())))
        #expect((try? JSONSerialization.jsonObject(with: record)) != nil)
        let folder = h.path(h.record()).components(separatedBy: "/").dropLast().joined(separator: "/")
        let leftovers = try (FileManager.default.contentsOfDirectory(atPath: h.directory.path)
            + FileManager.default.contentsOfDirectory(atPath: folder)).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A planted `<record>.tmp` symlink (the old predictable temp name) used to make apply
    /// overwrite its target.
    @Test func plantedTempSymlinkIsNotFollowed() async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        try h.write("victim.txt", "precious\n")
        try h.makeRecordFolder()
        try FileManager.default.createSymbolicLink(atPath: h.path(h.record() + ".tmp"), withDestinationPath: h.path("victim.txt"))
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try String(contentsOfFile: h.path("victim.txt"), encoding: .utf8) == "precious\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: h.path(h.record()))
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    }

    /// A state record that is a symlink: plan warns and proves the avatar another way; apply refuses.
    @Test func stateRecordSymlinkIsRefused() async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        try h.write("victim.txt", "precious\n")
        try h.makeRecordFolder()
        try FileManager.default.createSymbolicLink(atPath: h.path(h.record()), withDestinationPath: h.path("victim.txt"))
        let plan = try await h.run(["plan", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("is a symbolic link"), "\(plan.stdout)")
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 1)
        #expect(apply.stderr.contains("is a symbolic link"), "\(apply.stderr)")
        #expect(await h.writes().isEmpty)
        #expect(try String(contentsOfFile: h.path("victim.txt"), encoding: .utf8) == "precious\n")
    }

    /// A corrupt or oversized record used to be ignored without a word (or read whole).
    @Test func corruptOrOversizedRecordIsAWarning() async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", ReconcileTests.vacation)
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stderr)")
        try h.write(h.record(), "{\"avatar\": {\"sha256\": tru")
        let corrupt = try await h.run(["plan", "--json", "me.yaml"])
        #expect(corrupt.stdout.contains("is corrupt") && corrupt.stdout.contains("proven another way"), "\(corrupt.stdout)")
        #expect(corrupt.stdout.contains("\"evidence\":\"file_name\""), "\(corrupt.stdout)")
        // A sparse 3 GB file: refused by its size, not read.
        let fd = open(h.path(h.record()), O_WRONLY | O_TRUNC)
        #expect(ftruncate(fd, 3 << 30) == 0)
        close(fd)
        let huge = try await h.run(["plan", "me.yaml"], timeout: 20)
        #expect(huge.exitCode == 0 && !huge.timedOut)
        #expect(huge.stdout.contains("3221225472 bytes"), "\(huge.stdout)")
    }

    /// A second apply waits for the first, bounded, and says so; past the bound it fails clearly.
    @Test func heldLockIsWaitedForThenFailsClearly() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        try h.makeRecordFolder()
        let fd = open(h.path(h.record() + ".lock"), O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"], env: ["PACHCA_LOCK_TIMEOUT": "0.5"])
        close(fd)
        #expect(apply.exitCode == 1)
        #expect(apply.stderr.contains("waiting for another apply"), "\(apply.stderr)")
        #expect(apply.stderr.contains("still holds"), "\(apply.stderr)")
        #expect(await h.writes().isEmpty)
        let again = try await h.run(["apply", "--auto-approve", "me.yaml"], env: ["PACHCA_LOCK_TIMEOUT": "0.5"])
        #expect(again.exitCode == 0, "\(again.stderr)")
    }
}

extension Harness {
    func run(_ arguments: [String], env extra: [String: String] = [:], timeout: TimeInterval) async throws -> RunResult {
        try await runProfileTool(arguments, env: environment.merging(extra) { _, new in new }, cwd: directory, timeout: timeout)
    }
}

extension HostileFilesTests {
    /// The same saved plan applied by two jobs at once: one applies it, the other finds it
    /// stale (it waited for the lock, then re-read live state) — never a double write.
    @Test func savedPlanAppliedTwiceAtOnceIsStaleForTheSecond() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", ReconcileTests.statusOnly)
        let plan = try await h.run(["plan", "--out", "plan.json", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        async let first = h.run(["apply", "--plan", "plan.json"])
        async let second = h.run(["apply", "--plan", "plan.json"])
        let results = try await [first, second]
        #expect(results.map(\.exitCode).sorted() == [0, 1], "\(results.map { $0.stdout + $0.stderr })")
        #expect(results.contains { $0.stderr.contains("stale plan") })
        #expect(await h.writes() == ["PUT /profile/status"])
    }
}
