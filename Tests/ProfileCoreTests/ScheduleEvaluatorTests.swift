import Foundation
import ProfileCore
import ProfileRender
import Testing

/// The evaluator, table-driven over a year in three zones (SPEC §10): windows crossing
/// midnight and weeks, first match in file order, `null` windows, both New York changes,
/// +05:45, and the next-change instant.
@Suite struct ScheduleEvaluatorTests {
    static let now = try! Timestamp.parse("2026-01-01T00:00:00Z")

    static func desired(_ yaml: String) throws -> DesiredState {
        let result = DesiredStateDecoder.decode(file: "t.yaml", bytes: Array(yaml.utf8), now: now, files: InMemoryFiles(),
                                                zones: TestZones())
        guard let desired = result.desired else {
            throw CocoaError(.coderInvalidValue, userInfo: [NSDebugDescriptionErrorKey: DiagnosticPrinter.text(result.diagnostics)])
        }
        return desired
    }

    static let moscow = """
        timezone: Europe/Moscow
        status: {emoji: "💻", title: "Работаю"}
        schedule:
          - name: vacation
            from: 2026-12-28T00:00:00+03:00
            until: 2027-01-09T00:00:00+03:00
            status: {emoji: "🏖️", title: "В отпуске", is_away: true}
          - name: lunch
            days: [mon, tue, wed, thu, fri]
            from: "13:00"
            until: "14:00"
            status: {emoji: "🍔", title: "Обед", is_away: true}
          - name: night
            days: [sun]
            from: "23:00"
            until: "07:00"
            status: null
          - name: weekend
            days: [sat, sun]
            from: "00:00"
            until: "24:00"
            status: {emoji: "🌴", title: "Выходные"}
        """

    static let newYork = """
        timezone: America/New_York
        status: {emoji: "💻", title: "Working"}
        schedule:
          - name: late
            days: [sat]
            from: "23:00"
            until: "02:30"
            status: {emoji: "🌙", title: "Late"}
          - name: repeated
            days: [sun]
            from: "01:30"
            until: "01:45"
            status: {emoji: "🔁", title: "Twice"}
          - name: gap
            days: [sun]
            from: "02:10"
            until: "02:50"
            status: {emoji: "🕳️", title: "Gap"}
        """

    static let kathmandu = """
        timezone: Asia/Kathmandu
        schedule:
          - name: work
            days: [mon, tue, wed, thu, fri]
            from: "09:00"
            until: "18:00"
            status: {emoji: "💻", title: "Work", expires_at: 2026-07-15T10:00:00Z}
          - name: offline
            from: 2026-07-20T00:00:00+05:45
            until: 2026-07-21T00:00:00+05:45
            status: null
        """

    struct Row: Sendable, CustomStringConvertible {
        var file: String
        var at: String
        /// Window label, or nil for the base status.
        var window: String?
        /// Title of the desired status; "none" for no status, "unmanaged" when absent.
        var title: String
        var expiresAt: String?
        var next: String?
        var description: String { "\(at) → \(window ?? "base")" }
    }

    static let rows: [Row] = [
        // Moscow, +03 all year. Wednesday noon: base, next change at lunch.
        Row(file: moscow, at: "2026-07-15T12:00:00+03:00", window: nil, title: "Работаю", expiresAt: nil, next: "2026-07-15T10:00:00.000Z"),
        Row(file: moscow, at: "2026-07-15T13:30:00+03:00", window: "lunch", title: "Обед", expiresAt: "2026-07-15T11:00:00.000Z", next: "2026-07-15T11:00:00.000Z"),
        Row(file: moscow, at: "2026-07-15T14:00:00+03:00", window: nil, title: "Работаю", expiresAt: nil, next: "2026-07-16T10:00:00.000Z"),
        // Friday after lunch: the next change is the weekend, one window covering Sat and Sun.
        Row(file: moscow, at: "2026-07-17T15:00:00+03:00", window: nil, title: "Работаю", expiresAt: nil, next: "2026-07-17T21:00:00.000Z"),
        Row(file: moscow, at: "2026-07-18T10:00:00+03:00", window: "weekend", title: "Выходные", expiresAt: "2026-07-19T21:00:00.000Z", next: "2026-07-19T20:00:00.000Z"),
        // Sunday 23:00 → Monday 07:00 crosses midnight and the week: a null window, first match over the weekend.
        Row(file: moscow, at: "2026-07-19T23:30:00+03:00", window: "night", title: "none", expiresAt: nil, next: "2026-07-20T04:00:00.000Z"),
        Row(file: moscow, at: "2026-07-20T06:59:59+03:00", window: "night", title: "none", expiresAt: nil, next: "2026-07-20T04:00:00.000Z"),
        Row(file: moscow, at: "2026-07-20T07:00:00+03:00", window: nil, title: "Работаю", expiresAt: nil, next: "2026-07-20T10:00:00.000Z"),
        // The vacation comes first in the file, so it wins over lunch, night and weekend.
        Row(file: moscow, at: "2026-12-30T13:30:00+03:00", window: "vacation", title: "В отпуске", expiresAt: "2027-01-08T21:00:00.000Z", next: "2027-01-08T21:00:00.000Z"),
        Row(file: moscow, at: "2027-01-03T23:30:00+03:00", window: "vacation", title: "В отпуске", expiresAt: "2027-01-08T21:00:00.000Z", next: "2027-01-08T21:00:00.000Z"),
        Row(file: moscow, at: "2027-01-09T00:00:00+03:00", window: "weekend", title: "Выходные", expiresAt: "2027-01-10T21:00:00.000Z", next: "2027-01-10T20:00:00.000Z"),

        // New York, spring forward on 2026-03-08 (02:00 EST → 03:00 EDT).
        Row(file: newYork, at: "2026-03-07T22:59:59-05:00", window: nil, title: "Working", expiresAt: nil, next: "2026-03-08T04:00:00.000Z"),
        // 02:30 does not exist that night: the window ends at the first time that does, 03:00 EDT.
        Row(file: newYork, at: "2026-03-08T01:45:00-05:00", window: "late", title: "Late", expiresAt: "2026-03-08T07:00:00.000Z", next: "2026-03-08T07:00:00.000Z"),
        // 01:30–01:45 happens normally; 02:10–02:50 falls wholly in the gap and does not happen.
        Row(file: newYork, at: "2026-03-08T03:00:00-04:00", window: nil, title: "Working", expiresAt: nil, next: "2026-03-15T03:00:00.000Z"),
        // Fall back on 2026-11-01 (02:00 EDT → 01:00 EST): the late window lasts an hour longer.
        Row(file: newYork, at: "2026-11-01T01:10:00-04:00", window: "late", title: "Late", expiresAt: "2026-11-01T07:30:00.000Z", next: "2026-11-01T07:30:00.000Z"),
        Row(file: newYork, at: "2026-11-01T01:10:00-05:00", window: "late", title: "Late", expiresAt: "2026-11-01T07:30:00.000Z", next: "2026-11-01T07:30:00.000Z"),
        // 01:30 happens twice: the first (EDT) counts. Late is first in the file, so wins.
        Row(file: newYork, at: "2026-11-01T01:35:00-04:00", window: "late", title: "Late", expiresAt: "2026-11-01T07:30:00.000Z", next: "2026-11-01T07:30:00.000Z"),
        // 02:10–02:50 exists normally in the fall.
        Row(file: newYork, at: "2026-11-01T02:30:00-05:00", window: "gap", title: "Gap", expiresAt: "2026-11-01T07:50:00.000Z", next: "2026-11-01T07:50:00.000Z"),
        Row(file: newYork, at: "2026-11-01T02:50:00-05:00", window: nil, title: "Working", expiresAt: nil, next: "2026-11-08T04:00:00.000Z"),
        // An ordinary week: the late window covers Sunday 01:40, ahead of the repeated one.
        Row(file: newYork, at: "2026-11-08T01:40:00-05:00", window: "late", title: "Late", expiresAt: "2026-11-08T07:30:00.000Z", next: "2026-11-08T07:30:00.000Z"),

        // Kathmandu, +05:45, no base status: unmanaged outside windows.
        Row(file: kathmandu, at: "2026-07-15T03:14:59Z", window: nil, title: "unmanaged", expiresAt: nil, next: "2026-07-15T03:15:00.000Z"),
        // The window's own expires_at is earlier than the occurrence's end: it wins, and is the next change.
        Row(file: kathmandu, at: "2026-07-15T03:15:00Z", window: "work", title: "Work", expiresAt: "2026-07-15T10:00:00.000Z", next: "2026-07-15T10:00:00.000Z"),
        Row(file: kathmandu, at: "2026-07-16T03:15:00Z", window: "work", title: "Work", expiresAt: "2026-07-15T10:00:00.000Z", next: "2026-07-16T12:15:00.000Z"),
                // Work's own expiry has passed (no status), and the null window after it is no status too:
        // nothing changes until the null window ends.
        Row(file: kathmandu, at: "2026-07-20T05:00:00Z", window: "work", title: "Work", expiresAt: "2026-07-15T10:00:00.000Z", next: "2026-07-20T18:15:00.000Z"),
        Row(file: kathmandu, at: "2026-07-20T14:00:00Z", window: "offline", title: "none", expiresAt: nil, next: "2026-07-20T18:15:00.000Z"),
    ]

    @Test(.enabled(if: TestZones.available, "no tz database (install tzdata)"), arguments: rows)
    func evaluates(_ row: Row) throws {
        let desired = try Self.desired(row.file)
        let result = ScheduleEvaluator.evaluate(desired, at: try Timestamp.parse(row.at), zone: nil)
        #expect(result.window?.label == row.window)
        switch result.status {
        case .unmanaged: #expect(row.title == "unmanaged")
        case .none: #expect(row.title == "none")
        case .value(let status):
            #expect(status.title == row.title)
            #expect(status.expiresAt.map(Timestamp.canonical) == row.expiresAt)
        }
        #expect(result.nextChangeAt.map(Timestamp.canonical) == row.next)
    }

    @Test(.enabled(if: TestZones.available, "no tz database (install tzdata)")) func firstMatchFollowsFileOrder() throws {
        let lunchFirst = try Self.desired("""
            timezone: Europe/Moscow
            schedule:
              - name: lunch
                days: [wed]
                from: "13:00"
                until: "14:00"
                status: {emoji: "🍔", title: "Обед"}
              - name: vacation
                from: 2026-12-28T00:00:00+03:00
                until: 2027-01-09T00:00:00+03:00
                status: {emoji: "🏖️", title: "В отпуске"}
            """)
        let at = try Timestamp.parse("2026-12-30T13:30:00+03:00")
        #expect(ScheduleEvaluator.evaluate(lunchFirst, at: at, zone: nil).window?.label == "lunch")
        #expect(ScheduleEvaluator.evaluate(lunchFirst, at: at, zone: nil).nextChangeAt.map(Timestamp.canonical) == "2026-12-30T11:00:00.000Z")
    }

    /// SPEC §10 directly: a repeated local time means its first occurrence; a skipped one
    /// moves forward to the first local time that exists.
    @Test(.enabled(if: TestZones.available, "no tz database (install tzdata)")) func daylightSavingRepeatsAndGaps() throws {
        let desired = try Self.desired("""
            timezone: America/New_York
            status: {emoji: "💻", title: "Working"}
            schedule:
              - name: repeated
                days: [sun]
                from: "01:30"
                until: "01:45"
                status: {emoji: "🔁", title: "Once"}
              - name: skipped start
                days: [sun]
                from: "02:30"
                until: "03:30"
                status: {emoji: "⏩", title: "Late start"}
            """)
        func at(_ text: String) throws -> ScheduleEvaluation { ScheduleEvaluator.evaluate(desired, at: try Timestamp.parse(text), zone: nil) }
        // 2026-11-01 01:35 happens twice: only the first (EDT) is in the window.
        #expect(try at("2026-11-01T01:35:00-04:00").window?.label == "repeated")
        #expect(try at("2026-11-01T01:35:00-04:00").status.value?.expiresAt.map(Timestamp.canonical) == "2026-11-01T05:45:00.000Z")
        #expect(try at("2026-11-01T01:35:00-05:00").window == nil)
        #expect(try at("2026-11-01T01:00:00-04:00").nextChangeAt.map(Timestamp.canonical) == "2026-11-01T05:30:00.000Z")
        // 2026-03-08 02:30 does not exist: the window starts at 03:00 EDT and still ends at 03:30.
        #expect(try at("2026-03-08T01:59:59-05:00").nextChangeAt.map(Timestamp.canonical) == "2026-03-08T07:00:00.000Z")
        #expect(try at("2026-03-08T03:10:00-04:00").window?.label == "skipped start")
        #expect(try at("2026-03-08T03:10:00-04:00").status.value?.expiresAt.map(Timestamp.canonical) == "2026-03-08T07:30:00.000Z")
    }

    @Test func nothingChangesWithoutWindows() throws {
        let plain = try Self.desired("status: {emoji: \"💻\", title: \"Working\"}\n")
        #expect(ScheduleEvaluator.evaluate(plain, at: Self.now, zone: nil).nextChangeAt == nil)
        let expiring = try Self.desired("status: {emoji: \"💻\", title: \"Working\", expires_at: 2026-02-01T00:00:00Z}\n")
        #expect(ScheduleEvaluator.evaluate(expiring, at: Self.now, zone: nil).nextChangeAt.map(Timestamp.canonical) == "2026-02-01T00:00:00.000Z")
    }

    /// A year, every 45 minutes, in each zone: the window in force agrees with a wall-clock
    /// oracle (away from the hours next to a clock change), the status holds until the next
    /// change, and differs right at it.
    @Test(.enabled(if: TestZones.available, "no tz database (install tzdata)"),
          arguments: [("Europe/Moscow", moscow), ("America/New_York", newYork), ("Asia/Kathmandu", kathmandu)])
    func aYearAgreesWithTheWallClock(_ zoneName: String, _ file: String) throws {
        let zone = try #require(TestZones.rules(zoneName))
        let desired = try Self.desired(file)
        let start = LocalDateTime(year: 2026, month: 1, day: 1).epochSeconds
        var t = start
        var checked = 0
        while t < start + 366 * 86_400 {
            let result = ScheduleEvaluator.evaluate(desired, at: Date(timeIntervalSince1970: Double(t)), zone: zone)
            let nearChange = zone.utcOffset(at: t - 4 * 3600) != zone.utcOffset(at: t + 4 * 3600)
            if !nearChange {
                #expect(result.window?.label == Self.oracle(desired, t, zone), "\(zoneName) at \(t)")
                checked += 1
            }
            if let next = result.nextChangeAt {
                let n = Timestamp.epochSeconds(next)
                #expect(n > t)
                let before = ScheduleEvaluator.evaluate(desired, at: Date(timeIntervalSince1970: Double(n - 1)), zone: zone)
                #expect(Self.effective(before.status, n - 1) == Self.effective(result.status, t), "\(zoneName): status must hold until the next change (\(t) → \(n))")
                let after = ScheduleEvaluator.evaluate(desired, at: next, zone: zone)
                #expect(Self.effective(after.status, n) != Self.effective(result.status, t), "\(zoneName): the status must change at \(n)")
            }
            t += 45 * 60
        }
        #expect(checked > 10_000)
    }

    /// An expired status is no status (SPEC §5).
    static func effective(_ status: Managed<StatusFields>, _ t: Int64) -> Managed<StatusFields> {
        if let e = status.value?.expiresAt, Timestamp.epochSeconds(e) <= t { return .none }
        return status
    }

    /// The first window whose wall-clock span holds `t`, decided from the local time alone.
    static func oracle(_ desired: DesiredState, _ t: Int64, _ zone: ZoneRules) -> String? {
        let local = zone.localDateTime(at: t)
        let minute = local.secondOfDay / 60
        for window in desired.schedule?.windows ?? [] {
            switch window.timing {
            case .dated(let from, let until):
                if Timestamp.epochSeconds(from) <= t && t < Timestamp.epochSeconds(until) { return window.label }
            case .weekly(let days, let f, let u):
                let today = days.contains(local.weekday), yesterday = days.contains((local.weekday + 6) % 7)
                let inside = u > f ? (today && minute >= f && minute < u) : ((today && minute >= f) || (yesterday && minute < u))
                if inside { return window.label }
            }
        }
        return nil
    }

    /// SPEC: evaluating a file with 100 windows for one instant takes well under a millisecond.
    @Test(.enabled(if: TestZones.available, "no tz database (install tzdata)")) func hundredWindowsEvaluateFast() throws {
        var yaml = "timezone: America/New_York\nstatus: {emoji: \"💻\", title: \"Working\"}\nschedule:\n"
        for i in 0..<100 {
            if i % 4 == 0 {
                yaml += "  - {name: d\(i), from: 2027-0\(1 + i % 9)-01T00:00:00Z, until: 2027-0\(1 + i % 9)-02T00:00:00Z, status: null}\n"
            } else {
                let h = 6 + i % 12
                yaml += "  - {name: w\(i), days: [\(Weekday.names[i % 7])], from: \"\(h < 10 ? "0" : "")\(h):00\", until: \"\(h < 9 ? "0" : "")\(h + 1):\(i % 60 < 10 ? "0" : "")\(i % 60)\", status: {emoji: \"🕑\", title: \"W\(i)\"}}\n"
            }
        }
        let desired = try Self.desired(yaml)
        #expect(desired.schedule?.windows.count == 100)
        let at = try Timestamp.parse("2026-11-04T05:30:00Z")  // a Wednesday before dawn: no window, walks to the next
        let clock = ContinuousClock()
        var best = Duration.seconds(1)
        for _ in 0..<200 {
            let elapsed = clock.measure { _ = ScheduleEvaluator.evaluate(desired, at: at, zone: nil) }
            best = min(best, elapsed)
        }
        let ms = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000
        print("benchmark: 100 windows, one instant (with next change): \(ms) ms (best of 200)")
        #expect(ms < 1.0)
    }
}
