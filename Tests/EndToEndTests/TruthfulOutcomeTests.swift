import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// When a write's answer is lost, `apply` re-reads live state and reports what is there
/// (issue 9, item 7); a write refused for the token's rights exits 3.
@Suite(.awaitsTeardown) struct TruthfulOutcomeTests {
    @Test func writesWhoseAnswersAreGarbledAreReportedAsTheProfileShowsThem() async throws {
        try await Harness.with { h in
            try h.write("me.png", bytes: Harness.png(variant: 9))
            try h.write("me.yaml", ReconcileTests.statusOnly + "\navatar: me.png\n")
            await h.emulator.injectFault(.wrongShapeAfterHandling, method: "PUT", path: "/profile/status")
            await h.emulator.injectFault(.wrongShapeAfterHandling, method: "PUT", path: "/profile/avatar")
            let r = try await h.run(["apply", "--auto-approve", "me.yaml"])
            #expect(r.exitCode == 0, "\(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("Applied: status (create): the API's answer was lost (PUT /profile/status: unexpected response body: wrong type at 'data'); the re-read profile shows it applied."),
                    "\(r.stdout)")
            #expect(r.stdout.contains("Applied: avatar (create): the API's answer was lost"))
            #expect(!r.stdout.contains("nothing was changed"))
            #expect(!r.stdout.contains("NSError") && !r.stdout.contains("DecodingError"))
            #expect(await h.emulator.currentStatus()?.title == "Working")
            let record = (try? String(contentsOfFile: h.path(h.record()), encoding: .utf8)) ?? ""
            #expect(!record.contains("sha256"), "an unproven upload is not recorded: \(record)")
        }
    }

    @Test func deletesWhoseConnectionsDroppedAreReportedAsMade() async throws {
        try await Harness.with { h in
            try await h.emulator.setStatus(SeedStatus(emoji: "🔥", title: "Busy"))
            await h.emulator.setAvatar(bytes: Harness.png())
            try h.write("none.yaml", "status: null\navatar: null\n")
            // Every attempt lands, and every answer is lost: retries run out.
            await h.emulator.injectFault(.dropAfterHandling, method: "DELETE", path: "/profile/status", count: 10)
            await h.emulator.injectFault(.dropAfterHandling, method: "DELETE", path: "/profile/avatar", count: 10)
            let r = try await h.run(["apply", "--auto-approve", "--json", "none.yaml"], env: ["PACHCA_TIMEOUT": "2"])
            let json = try Harness.json(r.stdout)
            #expect((json["applied"] as? [[String: Any]])?.count == 2, "\(r.stdout)\(r.stderr)")
            #expect((json["failed"] as? [Any])?.isEmpty == true)
            #expect(r.exitCode == 0)
            #expect(await h.emulator.currentStatus() == nil)
            #expect(await h.emulator.avatarURL() == nil)
        }
    }

    @Test func anUnsavableStateRecordDoesNotHideTheUpload() async throws {
        try await Harness.with { h in
            try h.write("me.png", bytes: Harness.png(variant: 6))
            try h.write("me.yaml", "avatar: me.png\n")
            // The record's path is a folder: the lock beside it works, the record cannot be written.
            try FileManager.default.createDirectory(atPath: h.path("records/state.json"), withIntermediateDirectories: true)
            let r = try await h.run(["apply", "--auto-approve", "--state", "records/state.json", "me.yaml"])
            #expect(r.exitCode == 1)
            #expect(r.stdout.contains("Applied: avatar (create)."), "\(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("Not verified: applied, but the state record records/state.json could not be written (records/state.json is a folder)"))
            #expect(r.stdout.contains("Applied, but not fully verified: run plan to see the live state."))
            #expect(await h.emulator.avatarBytes() == Harness.png(variant: 6))
        }
    }

    @Test func aWriteRefusedForTheTokensRightsExitsThree() async throws {
        try await Harness.with { h in
            try h.write("me.yaml", ReconcileTests.statusOnly)
            await h.emulator.injectFault(.status(403), method: "PUT", path: "/profile/status")
            let r = try await h.run(["apply", "--auto-approve", "me.yaml"])
            #expect(r.exitCode == 3, "\(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("Not applied: status (create): the token"))
            #expect(r.stdout.contains("Apply failed: nothing was changed."))
        }
    }
}
