import Foundation
import Testing
@testable import ProfileCore
@testable import ProfileRender

/// Golden files for the plan renderers: Fixtures/golden/<case>.txt and <case>.json.
/// `UPDATE_GOLDEN=1 swift test` rewrites them and still fails, so a rewrite is always looked at.
@Suite struct RenderTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")

    static func plans() -> [(String, Plan)] {
        let d = DifferTests.self
        let expires = Date(timeIntervalSince1970: 1_900_000_000)
        return [
            ("in-sync", d.plan(status: .value(d.status()), avatar: .value(d.avatar), live: d.status(),
                               liveAvatar: "http://127.0.0.1:1/uploads/1/a.png",
                               assessment: .init(inSync: true, evidence: .stateRecord))),
            ("create-both", d.plan(status: .value(d.status(away: true, message: "Я в отпуске до 10 марта", expires: expires)),
                                   avatar: .value(d.avatar))),
            ("update-status-avatar-unverifiable",
             d.plan(status: .value(d.status("🏖️", "В отпуске", away: true)), avatar: .value(d.avatar),
                    live: d.status("💻", "Working"), liveAvatar: "https://cdn.example/u/7/photo.jpg",
                    assessment: .init(inSync: false, evidence: .unverifiable))),
            ("delete-both", d.plan(status: .none, avatar: .none, live: d.status("💻", "Working"),
                                   liveAvatar: "https://cdn.example/u/7/photo.jpg")),
            ("expired-desired", d.plan(status: .value(d.status(expires: d.hourAgo)), live: d.status())),
        ]
    }

    @Test(arguments: plans().map(\.0))
    func renderedPlanMatchesGolden(_ name: String) throws {
        let plan = try #require(Self.plans().first { $0.0 == name }?.1)
        try Self.checkGolden("\(name).txt", PlanText.render(plan, color: false))
        try Self.checkGolden("\(name).json", try PlanJSON.render(plan) + "\n")
    }

    @Test func jsonPlanHasTheContractShape() throws {
        let plan = try #require(Self.plans().first { $0.0 == "update-status-avatar-unverifiable" }?.1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try PlanJSON.render(plan).utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1")
        #expect(object["file"] as? String == "profiles/me.yaml")
        #expect(object["has_changes"] as? Bool == true)
        #expect((object["warnings"] as? [Any])?.isEmpty == true)
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.map { $0["resource"] as? String } == ["status", "avatar"])
        let statusAfter = try #require(changes[0]["after"] as? [String: Any])
        #expect(Set(statusAfter.keys) == ["emoji", "title", "is_away", "away_message", "expires_at"])
        #expect(statusAfter["away_message"] is NSNull)
        let avatarBefore = try #require(changes[1]["before"] as? [String: Any])
        #expect(avatarBefore["image_url"] as? String == "https://cdn.example/u/7/photo.jpg")
        let avatarAfter = try #require(changes[1]["after"] as? [String: Any])
        #expect(Set(avatarAfter.keys) == ["path", "sha256"])
        #expect(changes[1]["evidence"] as? String == "unverifiable")
    }

    @Test func colorOnlyWhenAsked() throws {
        let plan = try #require(Self.plans().first { $0.0 == "create-both" }?.1)
        #expect(!PlanText.render(plan, color: false).contains("\u{1B}["))
        #expect(PlanText.render(plan, color: true).contains("\u{1B}[32m+"))
    }

    @Test func markdownSummaryEscapesTableCells() throws {
        var plan = try #require(Self.plans().first { $0.0 == "create-both" }?.1)
        plan.changes[0] = .status(.create, before: nil, after: DifferTests.status("🏖️", "a|b"))
        let md = PlanMarkdown.render(plan)
        #expect(md.contains("`a\\|b`"))
        #expect(md.contains("**Plan: 2 to create, 0 to change, 0 to delete.**"))
    }

    static func checkGolden(_ name: String, _ actual: String) throws {
        let url = goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("rewrote golden file \(name); unset UPDATE_GOLDEN and run again")
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "golden \(name) differs")
    }
}
