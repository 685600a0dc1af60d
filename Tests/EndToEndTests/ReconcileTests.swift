import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PachcaEmulator
import Testing
import TestTeardown

/// plan and apply end to end: the built binary against the emulator over loopback HTTP,
/// with the emulator's journal as the oracle for which calls were made (SPEC §2–§6).
@Suite(.awaitsTeardown) struct ReconcileTests {
    static let vacation = """
        version: 1
        status:
          emoji: "🏖️"
          title: "В отпуске"
          is_away: true
          away_message: "Я в отпуске до 10 марта"
          expires_at: 2035-03-10T23:59:59+03:00
        avatar: me.png
        """

    static let statusOnly = """
        status:
          emoji: "💻"
          title: "Working"
        """

    @Test func planMakesNoWritesAndApplyThenPlanIsClean() async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", Self.vacation)

        let plan = try await h.run(["plan", "--detailed-exitcode", "me.yaml"])
        #expect(plan.exitCode == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan: 2 to create, 0 to change, 0 to delete."))
        #expect(plan.stdout.contains("+ title: \"В отпуске\""))
        #expect(await h.writes().isEmpty)

        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete!"))
        #expect(await h.writes().sorted() == ["PUT /profile/avatar", "PUT /profile/status"])
        let sentBody = await h.emulator.journal().first { $0.method == "PUT" && $0.apiPath == "/profile/status" }?.requestBody
        #expect(sentBody?.contains("\"expires_at\":\"2035-03-10T20:59:59.000Z\"") == true)
        #expect(FileManager.default.fileExists(atPath: h.path(h.record())))

        await h.emulator.resetJournal()
        let again = try await h.run(["plan", "--detailed-exitcode", "--json", "me.yaml"])
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        let json = try Harness.json(again.stdout)
        #expect(json["has_changes"] as? Bool == false)
        #expect((json["avatar"] as? [String: Any])?["evidence"] as? String == "state_record")
        // The state record proves the avatar: nothing is downloaded.
        #expect(await h.emulator.journal().allSatisfy { $0.apiPath != nil })

        let inSyncApply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(inSyncApply.exitCode == 0)
        #expect(inSyncApply.stdout.contains("No changes. Profile matches me.yaml."))
        #expect(await h.writes().isEmpty, "an in-sync apply writes nothing")
    }

    @Test(arguments: [AvatarURLNaming.keepFileName, .random])
    func avatarConvergesWithoutTheStateRecord(_ naming: AvatarURLNaming) async throws {
        let h = try await Harness.start { $0.avatarURLNaming = naming }
        try h.write("me.png", bytes: Harness.png(variant: 7))
        try h.write("bot.yaml", "avatar: me.png\n")
        let apply = try await h.run(["apply", "--auto-approve", "bot.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(await h.emulator.avatarBytes() == Harness.png(variant: 7))

        try FileManager.default.removeItem(atPath: h.path(h.record()))
        let plan = try await h.run(["plan", "--json", "--detailed-exitcode", "bot.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")
        let evidence = (try Harness.json(plan.stdout)["avatar"] as? [String: Any])?["evidence"] as? String
        #expect(evidence == (naming == .keepFileName ? "file_name" : "content"))

        // A different file is a change, proven by the same evidence.
        try h.write("me.png", bytes: Harness.png(variant: 8))
        let changed = try await h.run(["plan", "--detailed-exitcode", "bot.yaml"])
        #expect(changed.exitCode == 2)
        #expect(changed.stdout.contains("~ avatar"))
    }

    @Test func unverifiableAvatarIsUploaded() async throws {
        let h = try await Harness.start { $0.avatarURLNaming = .random }
        await h.emulator.setAvatar(bytes: Harness.png(variant: 1), fileName: "photo.png")
        try h.write("me.png", bytes: Harness.png(variant: 1))
        try h.write("bot.yaml", "avatar: me.png\n")
        let url = try #require(await h.emulator.avatarURL())
        let path = URL(string: url)!.path
        await h.emulator.injectFault(.status(500), method: "GET", path: path, count: 100)
        let plan = try await h.run(["plan", "bot.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("cannot be verified, will upload"), "\(plan.stdout)")
        #expect(await h.writes().isEmpty)

        // Never a silent guess: apply uploads, and afterwards the state record proves it.
        let apply = try await h.run(["apply", "--auto-approve", "bot.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(await h.writes() == ["PUT /profile/avatar"])
        let again = try await h.run(["plan", "--json", "--detailed-exitcode", "bot.yaml"])
        #expect(again.exitCode == 0)
        #expect((try Harness.json(again.stdout)["avatar"] as? [String: Any])?["evidence"] as? String == "state_record")
    }

    @Test func absentKeysAreNeverTouched() async throws {
        let h = try await Harness.start()
        await h.emulator.setAvatar(bytes: Harness.png(variant: 3), fileName: "x.png")
        try h.write("me.yaml", Self.statusOnly)
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(await h.writes() == ["PUT /profile/status"])
        #expect(await h.emulator.avatarBytes() == Harness.png(variant: 3))
    }

    @Test func nullsDeleteWhatIsLive() async throws {
        let h = try await Harness.start()
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Working"))
        await h.emulator.setAvatar(bytes: Harness.png(), fileName: "x.png")
        try h.write("none.yaml", "status: null\navatar: null\n")
        let apply = try await h.run(["apply", "--auto-approve", "none.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(await h.writes().sorted() == ["DELETE /profile/avatar", "DELETE /profile/status"])
        let plan = try await h.run(["plan", "--detailed-exitcode", "none.yaml"])
        #expect(plan.exitCode == 0)
    }

    @Test func readOnlyCommandsMakeNoWrites() async throws {
        let h = try await Harness.start()
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Working"))
        try h.write("me.yaml", Self.statusOnly.replacingOccurrences(of: "Working", with: "Busy"))
        for args in [["plan", "me.yaml"], ["show"], ["show", "--json"], ["export"], ["doctor"], ["doctor", "--json"]] {
            let r = try await h.run(args)
            #expect(r.exitCode == 0, "\(args): \(r.stderr)")
        }
        #expect(await h.writes().isEmpty)
    }

    @Test func exportedFilePlansClean() async throws {
        let h = try await Harness.start { $0.avatarURLNaming = .random }
        try await h.emulator.setStatus(SeedStatus(emoji: "🏖️", title: "В \"отпуске\"", isAway: true,
                                                  awayMessage: "до\nвторника", expiresAt: Harness.iso(86_400)))
        await h.emulator.setAvatar(bytes: Harness.png(variant: 4), fileName: "x.png")
        let export = try await h.run(["export", "--avatar-out", "saved.png", "-o", "exported.yaml"])
        #expect(export.exitCode == 0, "\(export.stderr)")
        let text = try String(contentsOfFile: h.path("exported.yaml"), encoding: .utf8)
        #expect(text.contains("avatar: \"saved.png\""))
        // Emoji are written as UTF-8, not as \U0001F3D6 escapes.
        #expect(text.contains("emoji: \"🏖️\""), "\(text)")
        #expect(!text.contains("\\U"), "\(text)")
        let plan = try await h.run(["plan", "--detailed-exitcode", "exported.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)")

        // Without --avatar-out the avatar is unmanaged, never `avatar: null`.
        let plain = try await h.run(["export"])
        #expect(!plain.stdout.contains("avatar"))
        #expect(await h.writes().isEmpty)
    }

    @Test func staleSavedPlanIsRefusedNamingTheField() async throws {
        let h = try await Harness.start()
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Working"))
        try h.write("me.yaml", Self.statusOnly.replacingOccurrences(of: "Working", with: "Busy"))
        let plan = try await h.run(["plan", "--out", "plan.json", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Lunch"))
        let apply = try await h.run(["apply", "--plan", "plan.json"])
        #expect(apply.exitCode == 1)
        #expect(apply.stderr.contains("stale plan"))
        #expect(apply.stderr.contains("status.title"))
        #expect(await h.writes().isEmpty)

        // A fresh plan applies without asking, even with no terminal.
        _ = try await h.run(["plan", "--out", "plan.json", "me.yaml"])
        let fresh = try await h.run(["apply", "--plan", "plan.json"])
        #expect(fresh.exitCode == 0, "\(fresh.stdout)\(fresh.stderr)")
        #expect(await h.writes() == ["PUT /profile/status"])
    }

    @Test func expiredStatusesOnBothSides() async throws {
        let h = try await Harness.start { $0.statusLinger = 3600 }
        // Live: expired a minute ago but still returned (lingering) — it counts as no status.
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Old", expiresAt: Harness.iso(-60)))
        try h.write("none.yaml", "status: null\n")
        let none = try await h.run(["plan", "--detailed-exitcode", "none.yaml"])
        #expect(none.exitCode == 0, "\(none.stdout)")

        // Desired: already expired — treated as no status, with a warning.
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Working"))
        try h.write("past.yaml", "status:\n  emoji: \"🏖️\"\n  title: \"Был в отпуске\"\n  expires_at: 2020-01-01T00:00:00Z\n")
        let past = try await h.run(["plan", "--json", "past.yaml"])
        #expect(past.exitCode == 0, "\(past.stderr)")
        let json = try Harness.json(past.stdout)
        let changes = try #require(json["changes"] as? [[String: Any]])
        #expect(changes.first?["action"] as? String == "delete")
        #expect((json["warnings"] as? [String])?.first?.contains("has passed") == true)
    }

    @Test func emojiEchoedWithoutVariationSelectorConverges() async throws {
        let h = try await Harness.start { $0.echoEmojiWithoutVariationSelectors = true }
        try h.write("me.yaml", "status:\n  emoji: \"🏖️\"\n  title: \"В отпуске\"\n")
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
        // The emulator really echoes the emoji without U+FE0F (a textual diff would never converge).
        var request = URLRequest(url: h.emulator.baseURL.appendingPathComponent("profile/status"))
        request.setValue("Bearer \(h.token)", forHTTPHeaderField: "Authorization")
        let (body, _) = try await URLSession.shared.data(for: request)
        let echoed = try #require(try Harness.json(String(decoding: body, as: UTF8.self))["data"] as? [String: Any])
        #expect((echoed["emoji"] as? String)?.unicodeScalars.contains { $0.value == 0xFE0F } == false)
        let plan = try await h.run(["plan", "--detailed-exitcode", "me.yaml"])
        #expect(plan.exitCode == 0, "\(plan.stdout)")
    }

    @Test func partialApplyReportsAndTheNextApplyFinishes() async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png())
        try h.write("me.yaml", Self.vacation)
        await h.emulator.injectFault(.status(503), method: "PUT", path: "/profile/avatar", count: 1000)
        let first = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(first.exitCode == 1)
        #expect(first.stdout.contains("Applied: status (create)."), "\(first.stdout)")
        #expect(first.stdout.contains("Not applied: avatar (create)"))
        #expect(await h.emulator.currentStatus()?.title == "В отпуске")

        await h.emulator.clearFaults()
        await h.emulator.resetJournal()
        let second = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(second.exitCode == 0, "\(second.stdout)\(second.stderr)")
        #expect(await h.writes() == ["PUT /profile/avatar"])
    }

    @Test func noTerminalWithoutAutoApproveIsAUsageError() async throws {
        let h = try await Harness.start()
        try h.write("me.yaml", Self.statusOnly)
        let r = try await h.run(["apply", "me.yaml"], stdin: "yes\n")
        #expect(r.exitCode == 64)
        #expect(r.stderr.contains("--auto-approve"))
        #expect(await h.emulator.journal().isEmpty, "refused before any connection")
    }
    @Test func unknownNormalizationIsReportedAsNotConverged() async throws {
        let h = try await Harness.start { $0.echoTitleTrimmed = true }
        try h.write("me.yaml", "status:\n  emoji: \"💻\"\n  title: \"  Busy  \"\n")
        let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
        #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Did not converge: status.title: sent \"  Busy  \", the API returned \"Busy\""),
                "\(apply.stdout)")
        #expect(!apply.stdout.contains("Apply complete"))
    }

    @Test func showWithoutCustomPropertiesScopeSaysSoAndShowsTheRest() async throws {
        let h = try await Harness.start()
        await h.emulator.setTokenScopes(token: h.token, scopes: ["profile:read", "profile_status:read"])
        try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Working"))
        let show = try await h.run(["show"])
        #expect(show.exitCode == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Status:  💻 Working"))
        #expect(show.stdout.contains("custom_properties:read"))
        let json = try Harness.json(try await h.run(["show", "--json"]).stdout)
        #expect((json["status"] as? [String: Any])?["title"] as? String == "Working")
        #expect((json["custom_properties_note"] as? String)?.contains("custom_properties:read") == true)
    }

    @Test func readWithoutScopeIsExit3NamingTheScope() async throws {
        let h = try await Harness.start()
        await h.emulator.setTokenScopes(token: h.token, scopes: ["profile_status:read"])
        try h.write("me.yaml", Self.statusOnly)
        let plan = try await h.run(["plan", "me.yaml"])
        #expect(plan.exitCode == 3)
        #expect(plan.stderr.contains("profile:read"), "\(plan.stderr)")
    }
}
