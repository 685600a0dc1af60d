/// A time zone's rules from the tz database: the UTC offset in force at any instant, and the
/// instant a local wall-clock time means. Built from TZif bytes (`TZif.parse`); no ICU, no
/// `TimeZone(identifier:)` (nil under FoundationEssentials). Instants are whole epoch seconds.
public struct ZoneRules: Sendable, Equatable {
    public struct LocalTimeType: Sendable, Equatable {
        /// Seconds east of UTC.
        public var utcOffset: Int
        public var isDST: Bool
        public var abbreviation: String
        public init(utcOffset: Int, isDST: Bool, abbreviation: String) {
            self.utcOffset = utcOffset; self.isDST = isDST; self.abbreviation = abbreviation
        }
    }

    public let name: String
    let transitions: [Int64]
    let transitionTypes: [UInt8]
    let types: [LocalTimeType]
    /// The TZ string that extends the table beyond its last transition (version 2+).
    let footer: POSIXRule?

    init(name: String, transitions: [Int64], transitionTypes: [UInt8], types: [LocalTimeType], footer: POSIXRule?) {
        self.name = name; self.transitions = transitions; self.transitionTypes = transitionTypes
        self.types = types; self.footer = footer
    }

    public static let utc = ZoneRules(name: "UTC", transitions: [], transitionTypes: [],
                                      types: [LocalTimeType(utcOffset: 0, isDST: false, abbreviation: "UTC")], footer: nil)

    /// Rules from a POSIX TZ string alone (`EST5EDT,M3.2.0,M11.1.0`), for tests and fixed zones.
    public static func posix(_ text: String, name: String? = nil) throws(POSIXRule.ParseError) -> ZoneRules {
        let rule = try POSIXRule.parse(text)
        return ZoneRules(name: name ?? text, transitions: [], transitionTypes: [],
                         types: [rule.type(at: 0)], footer: rule)
    }

    /// The local time type in force at `t` (RFC 8536 docs/configuration.md.2: type 0 before the first
    /// transition, the footer's rule after the last one).
    public func type(at t: Int64) -> LocalTimeType {
        guard let last = transitions.last else { return footer?.type(at: t) ?? types[0] }
        if t < transitions[0] { return types[0] }
        if t >= last, let footer { return footer.type(at: t) }
        var lo = 0, hi = transitions.count - 1  // invariant: transitions[lo] <= t
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if transitions[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return types[Int(transitionTypes[lo])]
    }

    public func utcOffset(at t: Int64) -> Int { type(at: t).utcOffset }

    /// The instant a local wall-clock time (seconds counted as if local were UTC) means, per
    /// docs/schedules.md: a time skipped by a forward change moves forward to the first local time
    /// that exists (the instant of the change); a repeated time means its first occurrence.
    public func instant(forLocal local: Int64) -> Int64 {
        let before = utcOffset(at: local - 86_400), after = utcOffset(at: local + 86_400)
        // The usual case: no change within a day either side.
        if before == after, utcOffset(at: local - Int64(before)) == before { return local - Int64(before) }
        var best: Int64?
        for o in [before, after, utcOffset(at: local - Int64(before))] {
            let t = local - Int64(o)
            if utcOffset(at: t) == o, best.map({ t < $0 }) ?? true { best = t }
        }
        if let best { return best }
        // In a gap: the first instant whose local time is at or after `local`.
        var lo = local - Int64(max(before, after)) - 1, hi = local - Int64(min(before, after)) + 1
        func localTime(_ t: Int64) -> Int64 { t + Int64(utcOffset(at: t)) }
        guard localTime(lo) < local, localTime(hi) >= local else { return local - Int64(after) }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if localTime(mid) >= local { hi = mid } else { lo = mid }
        }
        return hi
    }

    public func instant(for local: LocalDateTime) -> Int64 { instant(forLocal: local.epochSeconds) }

    public func localDateTime(at t: Int64) -> LocalDateTime { LocalDateTime(epochSeconds: t + Int64(utcOffset(at: t))) }
}

/// A POSIX TZ string as in a TZif footer (RFC 8536 docs/configuration.md.3, with the version 3 extensions:
/// transition times from -167 to 167 hours), e.g. `EST5EDT,M3.2.0,M11.1.0` or `<+0545>-5:45`.
public struct POSIXRule: Sendable, Equatable {
    public struct ParseError: Error, Sendable, Equatable { public var reason: String }

    enum DateRule: Sendable, Equatable {
        /// `Jn`: day 1…365, February 29 never counted.
        case julianNoLeap(Int)
        /// `n`: day 0…365, February 29 counted in leap years.
        case zeroBased(Int)
        /// `Mm.w.d`: day d (0 = Sunday) of week w (5 = last) of month m.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }

    struct Transition: Sendable, Equatable {
        var date: DateRule
        /// Seconds after local midnight, in the time in force before the change.
        var time: Int
    }

    var standard: ZoneRules.LocalTimeType
    var daylight: ZoneRules.LocalTimeType?
    var start: Transition?
    var end: Transition?

    func type(at t: Int64) -> ZoneRules.LocalTimeType {
        guard let daylight, let start, let end else { return standard }
        let year = LocalDateTime(epochSeconds: t + Int64(standard.utcOffset)).year
        let startUTC = Self.local(start, year: year) - Int64(standard.utcOffset)
        let endUTC = Self.local(end, year: year) - Int64(daylight.utcOffset)
        let inDST = startUTC < endUTC ? (startUTC <= t && t < endUTC) : !(endUTC <= t && t < startUTC)
        return inDST ? daylight : standard
    }

    static func local(_ transition: Transition, year: Int) -> Int64 {
        let day: Int
        switch transition.date {
        case .julianNoLeap(let n):
            let leap = Timestamp.daysInMonth(year: year, month: 2) == 29
            day = Timestamp.daysFromCivil(year: year, month: 1, day: 1) + n - 1 + (leap && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            day = Timestamp.daysFromCivil(year: year, month: 1, day: 1) + n
        case .monthWeekDay(let month, let week, let weekday):
            let first = Timestamp.daysFromCivil(year: year, month: month, day: 1)
            let firstWeekday = (Weekday.index(ofDay: first) + 1) % 7  // 0 = Sunday
            var d = first + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
            let length = Timestamp.daysInMonth(year: year, month: month)
            while d >= first + length { d -= 7 }
            day = d
        }
        return Int64(day) * 86_400 + Int64(transition.time)
    }

    public static func parse(_ text: String) throws(ParseError) -> POSIXRule {
        var p = Parser(u: Array(text.utf8))
        let stdName = try p.name()
        let stdOffset = try p.offset(maxHours: 24)
        var rule = POSIXRule(standard: .init(utcOffset: -stdOffset, isDST: false, abbreviation: stdName))
        if p.atEnd { return rule }
        let dstName = try p.name()
        var dstOffset = stdOffset - 3600
        if !p.atEnd, p.peek != UInt8(ascii: ",") { dstOffset = try p.offset(maxHours: 24) }
        rule.daylight = .init(utcOffset: -dstOffset, isDST: true, abbreviation: dstName)
        // A DST name without rules: POSIX leaves the default to the implementation; tzcode uses
        // the US rules of 2007.
        guard !p.atEnd else {
            rule.start = Transition(date: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200)
            rule.end = Transition(date: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7200)
            return rule
        }
        try p.expect(",")
        rule.start = try p.transition()
        try p.expect(",")
        rule.end = try p.transition()
        guard p.atEnd else { throw ParseError(reason: "unexpected text after the rules") }
        return rule
    }

    private init(standard: ZoneRules.LocalTimeType) { self.standard = standard }

    struct Parser {
        let u: [UInt8]
        var i = 0
        var atEnd: Bool { i >= u.count }
        var peek: UInt8? { i < u.count ? u[i] : nil }

        mutating func expect(_ c: Character) throws(ParseError) {
            guard peek == c.asciiValue else { throw ParseError(reason: "expected '\(c)'") }
            i += 1
        }

        mutating func name() throws(ParseError) -> String {
            if peek == UInt8(ascii: "<") {
                i += 1
                let s = i
                while let c = peek, c != UInt8(ascii: ">") {
                    guard isAlnum(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") else { throw ParseError(reason: "bad quoted name") }
                    i += 1
                }
                guard peek == UInt8(ascii: ">"), i - s >= 3 else { throw ParseError(reason: "bad quoted name") }
                defer { i += 1 }
                return String(decoding: u[s..<i], as: UTF8.self)
            }
            let s = i
            while let c = peek, (c | 0x20) >= UInt8(ascii: "a"), (c | 0x20) <= UInt8(ascii: "z") { i += 1 }
            guard i - s >= 3 else { throw ParseError(reason: "a zone name needs at least 3 letters") }
            return String(decoding: u[s..<i], as: UTF8.self)
        }

        func isAlnum(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z"))
        }

        mutating func number(max: Int) throws(ParseError) -> Int {
            var v = 0, digits = 0
            while let c = peek, c >= 0x30, c <= 0x39 {
                v = v * 10 + Int(c - 0x30); digits += 1; i += 1
                guard digits <= 3 else { throw ParseError(reason: "number too long") }
            }
            guard digits > 0 else { throw ParseError(reason: "expected a number") }
            guard v <= max else { throw ParseError(reason: "\(v) is out of range") }
            return v
        }

        /// `[+-]hh[:mm[:ss]]` in seconds.
        mutating func offset(maxHours: Int) throws(ParseError) -> Int {
            var sign = 1
            if peek == UInt8(ascii: "+") { i += 1 } else if peek == UInt8(ascii: "-") { sign = -1; i += 1 }
            var seconds = try number(max: maxHours) * 3600
            if peek == UInt8(ascii: ":") { i += 1; seconds += try number(max: 59) * 60 }
            if peek == UInt8(ascii: ":") { i += 1; seconds += try number(max: 59) }
            return sign * seconds
        }

        mutating func transition() throws(ParseError) -> Transition {
            let date: DateRule
            if peek == UInt8(ascii: "J") {
                i += 1
                let n = try number(max: 365)
                guard n >= 1 else { throw ParseError(reason: "Jn needs 1…365") }
                date = .julianNoLeap(n)
            } else if peek == UInt8(ascii: "M") {
                i += 1
                let m = try number(max: 12); try expect(".")
                let w = try number(max: 5); try expect(".")
                let d = try number(max: 6)
                guard m >= 1, w >= 1 else { throw ParseError(reason: "bad Mm.w.d") }
                date = .monthWeekDay(month: m, week: w, weekday: d)
            } else {
                date = .zeroBased(try number(max: 365))
            }
            var time = 7200
            if peek == UInt8(ascii: "/") { i += 1; time = try offset(maxHours: 167) }
            return Transition(date: date, time: time)
        }
    }
}
