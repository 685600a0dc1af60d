import Foundation
import Testing
@testable import ProfileCore

/// The diff as a table of cases, without any network (SPEC §5).
@Suite struct DifferTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
    static let owner = ProfileOwner(id: 12, firstName: "Ivan", lastName: "Petrov", nickname: "ivan")
    static let avatar = AvatarFile(declaredPath: "avatars/me.png", resolvedPath: "/p/avatars/me.png",
                                   sha256: String(repeating: "a", count: 64), byteCount: 10, format: .png)

    static func status(_ emoji: String = "🏖️", _ title: String = "В отпуске", away: Bool = false,
                       message: String? = nil, expires: Date? = nil) -> StatusFields {
        StatusFields(emoji: emoji, title: title, isAway: away, awayMessage: message, expiresAt: expires)
    }

    static func plan(status desired: Managed<StatusFields> = .unmanaged, avatar: Managed<AvatarFile> = .unmanaged,
                     live liveStatus: StatusFields? = nil, liveAvatar: String? = nil,
                     assessment: AvatarAssessment? = nil) -> Plan {
        Differ.plan(desired: DesiredState(file: "profiles/me.yaml", status: desired, avatar: avatar),
                    live: LiveState(owner: owner, status: liveStatus, avatarURL: liveAvatar),
                    avatar: assessment, now: now)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var plan: Plan
        var expected: [String]  // "resource:action"
        var testDescription: String { name }
    }

    static let hourLater = now.addingTimeInterval(3600)
    static let hourAgo = now.addingTimeInterval(-3600)

    static let cases: [Case] = [
        Case(name: "absent keys are unmanaged even when live has everything",
             plan: plan(live: status(), liveAvatar: "http://x/a.png"), expected: []),
        Case(name: "status null deletes a live status", plan: plan(status: .none, live: status()), expected: ["status:delete"]),
        Case(name: "status null with no live status is in sync", plan: plan(status: .none), expected: []),
        Case(name: "status null with only an expired live status is in sync",
             plan: plan(status: .none, live: status(expires: hourAgo)), expected: []),
        Case(name: "new status is created", plan: plan(status: .value(status())), expected: ["status:create"]),
        Case(name: "lingering expired live status counts as none",
             plan: plan(status: .value(status()), live: status(expires: hourAgo)), expected: ["status:create"]),
        Case(name: "same status is in sync", plan: plan(status: .value(status()), live: status()), expected: []),
        Case(name: "emoji without U+FE0F is the same emoji",
             plan: plan(status: .value(status("🏖️")), live: status("🏖")), expected: []),
        Case(name: "a different title is an update",
             plan: plan(status: .value(status("🏖️", "Работаю")), live: status()), expected: ["status:update"]),
        Case(name: "away message absent equals empty",
             plan: plan(status: .value(status(message: nil)), live: status(message: "")), expected: []),
        Case(name: "instants compare across offsets",
             plan: plan(status: .value(status(expires: hourLater)),
                        live: status(expires: Date(timeIntervalSince1970: hourLater.timeIntervalSince1970 + 0.0004))),
             expected: []),
        Case(name: "expired desired status deletes the live one and warns",
             plan: plan(status: .value(status(expires: hourAgo)), live: status()), expected: ["status:delete"]),
        Case(name: "expired desired status with nothing live is no change",
             plan: plan(status: .value(status(expires: hourAgo))), expected: []),
        Case(name: "avatar null deletes a live avatar", plan: plan(avatar: .none, liveAvatar: "http://x/a.png"),
             expected: ["avatar:delete"]),
        Case(name: "avatar null and none live is in sync", plan: plan(avatar: .none), expected: []),
        Case(name: "avatar with none live is created", plan: plan(avatar: .value(avatar)), expected: ["avatar:create"]),
        Case(name: "avatar proven equal is in sync",
             plan: plan(avatar: .value(avatar), liveAvatar: "http://x/a.png",
                        assessment: .init(inSync: true, evidence: .stateRecord)), expected: []),
        Case(name: "unverifiable avatar is uploaded",
             plan: plan(avatar: .value(avatar), liveAvatar: "http://x/a.png",
                        assessment: .init(inSync: false, evidence: .unverifiable)), expected: ["avatar:update"]),
        Case(name: "both change: status first, then avatar",
             plan: plan(status: .value(status()), avatar: .value(avatar), liveAvatar: "http://x/a.png",
                        assessment: .init(inSync: false, evidence: .content)), expected: ["status:create", "avatar:update"]),
    ]

    @Test(arguments: cases)
    func plansExactlyTheNeededChanges(_ c: Case) {
        #expect(c.plan.changes.map { "\($0.resource.rawValue):\($0.action.rawValue)" } == c.expected)
    }

    @Test func expiredDesiredStatusWarns() {
        let p = Self.plan(status: .value(Self.status(expires: Self.hourAgo)))
        #expect(p.warnings.count == 1)
        #expect(p.warnings[0].contains("status.expires_at"))
        #expect(p.warnings[0].contains("has passed"))
    }

    @Test func updateListsOnlyTheChangedFields() throws {
        let p = Self.plan(status: .value(Self.status("🏖️", "В отпуске", away: true, message: "До 10 марта")),
                          live: Self.status("💻", "В отпуске", away: false))
        let change = try #require(p.statusChange)
        #expect(change.fields.map(\.field) == [.emoji, .isAway, .awayMessage])
        #expect(change.fields[2].before == nil)
        #expect(change.fields[2].after == "До 10 марта")
    }

    @Test func fingerprintIgnoresUnmanagedAndSignedQueries() {
        let a = Self.plan(avatar: .value(Self.avatar), live: Self.status(), liveAvatar: "https://s3/x/a.png?sig=1",
                          assessment: .init(inSync: true, evidence: .fileName))
        let b = Self.plan(avatar: .value(Self.avatar), live: Self.status("🔥", "other"), liveAvatar: "https://s3/x/a.png?sig=2",
                          assessment: .init(inSync: true, evidence: .fileName))
        #expect(a.liveFingerprint == b.liveFingerprint)
        #expect(a.liveFields["status"] == nil)
    }

    @Test func staleSavedPlanNamesTheChangedFields() throws {
        var p = Self.plan(status: .value(Self.status()), live: Self.status("💻", "Работаю"))
        p.binding = PlanBinding(apiURL: "https://api.example/v1/", tokenOwnerID: 12, subjectIDs: [12])
        let roundTripped = try PlanFile.decode(PlanFile.encode(p))
        #expect(roundTripped == p)
        let later = LiveState(owner: Self.owner, status: Self.status("💻", "Обед"), avatarURL: nil)
        #expect(PlanFile.staleness(of: roundTripped, live: later, now: Self.now, avatarFileSHA256: nil) == ["status.title"])
        let same = LiveState(owner: Self.owner, status: Self.status("💻", "Работаю"), avatarURL: nil)
        #expect(PlanFile.staleness(of: roundTripped, live: same, now: Self.now, avatarFileSHA256: nil).isEmpty)
    }

    /// The saved plan file follows the one JSON policy: snake_case keys that decode back to the
    /// same plan (acronyms included), ISO-8601 timestamps, no binding → refused.
    @Test func savedPlanIsSnakeCaseAndRoundTrips() throws {
        var p = Self.plan(status: .value(Self.status(expires: Self.now.addingTimeInterval(3600))), avatar: .value(Self.avatar),
                          live: Self.status("💻", "Работаю"), liveAvatar: "https://cdn.example/a.png",
                          assessment: .init(inSync: false, evidence: .unverifiable))
        p.binding = PlanBinding(apiURL: "https://user:pw@api.example/v1", tokenOwnerID: 12, subjectIDs: [12])
        let text = String(decoding: try PlanFile.encode(p), as: UTF8.self)
        #expect(text.contains("\"avatar_before_url\" : \"https://cdn.example/a.png\""))
        #expect(text.contains("\"api_url\" : \"https://api.example/v1\""), "credentials never reach the artifact")
        #expect(text.contains("\"computed_at\" : \"\(Timestamp.canonical(Self.now))\""))
        #expect(text.range(of: #""[a-z]+[A-Z][A-Za-z]*" :"#, options: .regularExpression) == nil, "no camelCase key")
        #expect(try PlanFile.decode(Data(text.utf8)) == p)
        p.binding = nil
        #expect(throws: PlanFile.DecodeError.unbound) { try PlanFile.decode(PlanFile.encode(p)) }
        #expect(throws: PlanFile.DecodeError.unsupportedVersion("1")) {
            try PlanFile.decode(Data(#"{"formatVersion":"1","format_version":"1"}"#.utf8))
        }
    }

    @Test func snakeCaseConversionIsInvertible() {
        for name in ["imageURL", "hasChanges", "tokenOwnerID", "avatarBeforeURL", "sha256", "formatVersion", "isAway", "subjectIDs", "imageURLs", "idsList", "_0"] {
            #expect(JSONDocument.camelCase(JSONDocument.snakeCase(name)) == name)
        }
        #expect(JSONDocument.snakeCase("tokenOwnerID") == "token_owner_id")
        #expect(JSONDocument.snakeCase("subjectIDs") == "subject_ids")
        #expect(JSONDocument.snakeCase("status.isAway") == "status.isAway", "data keys pass unchanged")
    }

    @Test func savedPlanIsStaleWhenTheAvatarFileChanged() {
        let p = Self.plan(avatar: .value(Self.avatar))
        let live = LiveState(owner: Self.owner, status: nil, avatarURL: nil)
        #expect(PlanFile.staleness(of: p, live: live, now: Self.now, avatarFileSHA256: String(repeating: "b", count: 64))
                == ["avatar file avatars/me.png"])
    }
}

@Suite struct AvatarIdentityTests {
    let file = DifferTests.avatar

    @Test func stateRecordForTheLiveURLDecides() {
        let record = StateRecord(avatar: .init(sha256: file.sha256, imageURL: "https://cdn/u/1/x.png?sig=a", uploadedAt: .now))
        #expect(AvatarIdentity.assessWithoutContent(desired: file, liveURL: "https://cdn/u/1/x.png?sig=b", record: record)
                == AvatarAssessment(inSync: true, evidence: .stateRecord))
        let old = StateRecord(avatar: .init(sha256: String(repeating: "c", count: 64), imageURL: "https://cdn/u/1/x.png", uploadedAt: .now))
        #expect(AvatarIdentity.assessWithoutContent(desired: file, liveURL: "https://cdn/u/1/x.png", record: old)
                == AvatarAssessment(inSync: false, evidence: .stateRecord))
    }

    @Test func recordForAnotherURLIsNoEvidence() {
        let record = StateRecord(avatar: .init(sha256: file.sha256, imageURL: "https://cdn/u/1/old.png", uploadedAt: .now))
        #expect(AvatarIdentity.assessWithoutContent(desired: file, liveURL: "https://cdn/u/2/new.png", record: record) == nil)
    }

    @Test func fileNameHashDecides() {
        let url = "http://127.0.0.1:1/uploads/3/\(AvatarIdentity.uploadFileName(for: file))"
        #expect(AvatarIdentity.assessWithoutContent(desired: file, liveURL: url, record: nil)
                == AvatarAssessment(inSync: true, evidence: .fileName))
        let other = "http://127.0.0.1:1/uploads/3/avatar-\(String(repeating: "d", count: 64)).png"
        #expect(AvatarIdentity.assessWithoutContent(desired: file, liveURL: other, record: nil)
                == AvatarAssessment(inSync: false, evidence: .fileName))
    }

    @Test func contentDecidesLastOrCannotBeVerified() {
        #expect(AvatarIdentity.assess(desired: file, servedContentSHA256: file.sha256) == .init(inSync: true, evidence: .content))
        #expect(AvatarIdentity.assess(desired: file, servedContentSHA256: "0") == .init(inSync: false, evidence: .content))
        #expect(AvatarIdentity.assess(desired: file, servedContentSHA256: nil) == .init(inSync: false, evidence: .unverifiable))
    }
}
