import Foundation
import ProfileCore
import ProfileRender
import Testing

/// Issue 19: what a diagnostic may quote of the user's text, and how much work a hostile line
/// may cost.
@Suite struct HostileTextTests {
    static func decode(_ text: String, zones: any TimeZoneSource = TestZones()) -> DecodeResult {
        DesiredStateDecoder.decode(file: "x.yaml", bytes: Array(text.utf8), now: DecoderFixtures.now,
                                   files: DecoderFixtures.files, zones: zones)
    }

    static func rendered(_ result: DecodeResult) -> String {
        result.diagnostics.map { "\($0.path) \($0.message) \($0.notes.joined(separator: " "))" }.joined(separator: "\n")
    }

    /// A walked `*.yaml` that is a secrets file used to be quoted (`got string "AWS_SECRET…"`).
    @Test func aFileThatIsNotAProfileIsNeverQuoted() {
        let result = Self.decode("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
        let text = Self.rendered(result)
        #expect(result.diagnostics.hasErrors)
        #expect(!text.contains("AWS"), "\(text)")
        #expect(text.contains("(got string)"), "\(text)")
    }

    /// Unknown keys (`root:$6$…:19000:…` from /etc/shadow) were echoed whole, up to 1 KB.
    @Test func unknownKeysAreShortEscapedExcerpts() {
        let key = "root:$6$saltsalt$" + String(repeating: "h", count: 900) + ":19000:0:99999:7:::"
        let result = Self.decode("\"\(key)\": 1\nstatus: null\n")
        let unknown = result.diagnostics.first { $0.message == "unknown key" }
        #expect(unknown != nil, "\(Self.rendered(result).prefix(500))")
        let path = unknown?.path ?? ""
        #expect(path.count <= 33, "\(path)")
        #expect(path.hasSuffix("…"))
        #expect(!Self.rendered(result).contains(String(repeating: "h", count: 40)))
    }

    @Test func excerptsEscapeControlsAndStopAt32Characters() {
        #expect("abc".truncatedForMessage == "abc")
        #expect(String(repeating: "x", count: 32).truncatedForMessage == String(repeating: "x", count: 32))
        #expect(String(repeating: "x", count: 33).truncatedForMessage == String(repeating: "x", count: 32) + "…")
        let escaped = "a\u{1B}[2Jb\u{202E}c\nd".truncatedForMessage
        #expect(!escaped.contains("\u{1B}") && !escaped.contains("\u{202E}") && !escaped.contains("\n"), "\(escaped)")
    }

    /// Duplicate keys, tags and avatar paths are the user's text too.
    @Test func keysTagsAndPathsAreBounded() {
        let key = "k" + String(repeating: "x", count: 500)
        let duplicate = Self.rendered(Self.decode("\(key): 1\n\(key): 2\n"))
        #expect(duplicate.contains("duplicate key"), "\(duplicate)")
        #expect(!duplicate.contains(String(repeating: "x", count: 40)), "\(duplicate)")
        let tag = Self.rendered(Self.decode("status: !" + String(repeating: "t", count: 500) + " {}\n"))
        #expect(tag.contains("unsupported tag"), "\(tag)")
        #expect(!tag.contains(String(repeating: "t", count: 40)), "\(tag)")
        let path = Self.rendered(Self.decode("avatar: " + String(repeating: "d/", count: 400) + "me.png\n"))
        #expect(path.contains("file not found"), "\(path)")
        #expect(path.contains("…") && path.contains("d/me.png") && path.count < 400, "\(path)")
    }

    @Test func plainValuesAreExcerptsToo() {
        let long = String(repeating: "s", count: 500)
        let result = Self.decode("status:\n  title: Away\n  expires_at: \"\(long)\"\n")
        #expect(!Self.rendered(result).contains(String(repeating: "s", count: 33)), "\(Self.rendered(result))")
    }

    /// A 100,000-character `timezone:` took 25 s (an edit distance against ~600 zones) and was
    /// printed whole.
    @Test(.timeLimit(.minutes(1))) func aHugeZoneNameIsRefusedAtOnceWithoutASuggestion() {
        let name = String(repeating: "Europe/Moscow", count: 7_700)
        let started = Date()
        let result = Self.decode("timezone: \(name)\nstatus: {emoji: \"💻\", title: Work}\n")
        #expect(Date().timeIntervalSince(started) < 2)
        let text = Self.rendered(result)
        #expect(text.contains("unknown time zone"), "\(text.prefix(300))")
        #expect(!text.contains("did you mean"))
        #expect(text.count < 400, "\(text.count) characters")
    }

    /// Counts how often the zone list is asked for: never for a malformed name.
    final class CountingZones: TimeZoneSource, @unchecked Sendable {
        var listed = 0
        func tzif(named name: String) -> TimeZoneLookup { TestZones().tzif(named: name) }
        func zoneNames() -> [String] { listed += 1; return TestZones().zoneNames() }
    }

    @Test(.enabled(if: TestZones.available)) func malformedZoneNamesGetNoSuggestion() {
        let zones = CountingZones()
        for name in ["Europe/Moscow ", "Europe//Moscow", "../etc/passwd", String(repeating: "a", count: 65), "Eur\u{0301}ope/Moscow"] {
            guard case .failure(let failure) = TimeZoneResolution.resolve(name, source: zones) else {
                Issue.record("\(name) resolved"); continue
            }
            #expect(failure.notes.allSatisfy { !$0.contains("did you mean") }, "\(name): \(failure.notes)")
            #expect(failure.message.count < 60, "\(failure.message)")
        }
        #expect(zones.listed == 0)
        // A well-formed near miss still gets one.
        guard case .failure(let failure) = TimeZoneResolution.resolve("Europe/Moskow", source: zones) else { return }
        #expect(failure.notes == ["did you mean 'Europe/Moscow'?"])
    }

    /// Any other "did you mean" has the same cap: a long key costs no edit distance.
    @Test(.timeLimit(.minutes(1))) func aHugeUnknownKeyGetsNoSuggestion() {
        let key = "statuss" + String(repeating: "s", count: 100_000)
        let started = Date()
        let result = Self.decode("\(key): 1\n")
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(!Self.rendered(result).contains("did you mean"))
    }

    /// `expires_at: 9999-12-31T23:59:59-05:00` validated, then never converged (exit 1 forever).
    @Test func timestampsBeyondYear9999InUTCAreRefusedAtTheirPosition() throws {
        let result = Self.decode("status:\n  emoji: \"🌴\"\n  title: Away\n  expires_at: 9999-12-31T23:59:59-05:00\n")
        let d = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(d.line == 4 && d.column == 15, "\(d)")
        #expect(d.path == "status.expires_at")
        #expect(d.message.contains("outside years 1 to 9999 in UTC"), "\(d.message)")
    }
}

/// Issue 19: `kate@example.com` wrote to a person whose email starts with the KELVIN SIGN.
@Suite struct IdentityMatchTests {
    static func ref(_ text: String) throws -> UserReference { try UserReference.parse(text).get() }

    @Test func emailsAndNicknamesFoldASCIIOnly() throws {
        let kate = try Self.ref("kate@example.com")
        #expect(kate.matches(id: 1, email: "KATE@Example.COM", nickname: nil))
        #expect(!kate.matches(id: 1, email: "\u{212A}ate@example.com", nickname: nil))  // KELVIN SIGN
        #expect(!kate.matches(id: 1, email: "kate@example.com\u{0301}", nickname: nil))
        #expect(!kate.matches(id: 1, email: nil, nickname: "kate"))
        let nick = try Self.ref("@Anna.B")
        #expect(nick.matches(id: 9, email: "x@y.z", nickname: "anna.b"))
        #expect(!nick.matches(id: 9, email: nil, nickname: "ANNA.\u{0392}"))  // Greek capital beta
        #expect(try Self.ref("42").matches(id: 42, email: nil, nickname: nil))
        #expect(!(try Self.ref("42")).matches(id: 43, email: nil, nickname: nil))
    }

    /// Two files collide only on ASCII-folded equality too.
    @Test func identitiesFoldASCIIOnly() throws {
        #expect(try Self.ref("KATE@example.com").identity == (try Self.ref("kate@EXAMPLE.com")).identity)
        #expect(try Self.ref("\u{212A}ate@example.com").identity != (try Self.ref("kate@example.com")).identity)
    }
}

/// Issue 19: `timeline --from 9999-12-01` repeated one entry 9,937 times.
@Suite struct TimelineBoundTests {
    @Test(.enabled(if: TestZones.available)) func nearYear9999EntriesMoveForwardAndStop() throws {
        let yaml = """
            timezone: Europe/Moscow
            status: {emoji: "💻", title: Work}
            schedule:
              - name: lunch
                days: [mon, tue, wed, thu, fri]
                from: "13:00"
                until: "14:00"
                status: {emoji: "🍔", title: Lunch}
            """
        let result = HostileTextTests.decode(yaml)
        let desired = try #require(result.desired, "\(result.diagnostics)")
        let start = try Timestamp.parse("9999-12-01T00:00:00Z")
        let entries = Timeline.entries(desired, from: start, until: start.addingTimeInterval(366 * 86_400),
                                       zone: desired.schedule?.zone)
        #expect(entries.count < 100, "\(entries.count) entries")
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.at < $1.at })
        #expect(entries.allSatisfy { $0.at.timeIntervalSince1970 < 253_402_300_800 })
    }
}
