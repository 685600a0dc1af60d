import Support

/// The product's one timestamp implementation (parse, format, compare as instants), shared by
/// the core and the API client. ISO-8601 timestamps as the format accepts them: a date, a time and an offset, e.g.
/// `2025-03-10T23:59:59+03:00`, `2025-03-10T20:59:59Z`, `2025-03-10T20:59:59.250Z`.
/// Parsed by hand (no locale, no calendar settings) and normalized to UTC.
public enum Timestamp {
    public static let expectedForm = "2025-03-10T23:59:59+03:00"

    public enum ParseError: Error, Sendable, Equatable {
        /// `2025-03-10`: which day's end, in which zone?
        case bareDate
        /// `2025-03-10T23:59:59`: a local time in an unknown zone.
        case missingOffset
        /// A field out of range, such as month 13 or 25 o'clock.
        case outOfRange(String)
        /// The instant falls outside years 1 to 9999 in UTC (`9999-12-31T23:59:59-05:00`,
        /// `0001-01-01T00:00:00+01:00`): the API's UTC form cannot write it, so it would never
        /// compare equal to what the server sends back.
        case outsideYears
        case malformed
    }

    public static func parse(_ text: String) throws(ParseError) -> Date {
        let u = Array(text.utf8)
        guard u.count <= 64 else { throw .malformed }
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= u.count else { return nil }
            var v = 0
            for k in i..<(i + width) {
                guard (0x30...0x39).contains(u[k]) else { return nil }
                v = v * 10 + Int(u[k] - 0x30)
            }
            i += width
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < u.count, u[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { throw .malformed }
        if i == u.count { throw .bareDate }
        guard i < u.count, u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") else { throw .malformed }
        i += 1
        guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else { throw .malformed }
        // Fractions as an integer count of 10^-n seconds, divided once: exactly the double
        // nearest to the written value for millisecond timestamps.
        var fractionUnits = 0, fractionDigits = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            let startDigits = i
            while i < u.count, (0x30...0x39).contains(u[i]), i - startDigits < 9 { fractionUnits = fractionUnits * 10 + Int(u[i] - 0x30); i += 1 }
            if i == startDigits || (i < u.count && (0x30...0x39).contains(u[i])) { throw .malformed }
            fractionDigits = i - startDigits
        }
        guard i < u.count else { throw .missingOffset }
        var offsetSeconds = 0
        switch u[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2) else { throw .malformed }
            _ = expect(":")
            guard let om = number(2) else { throw .malformed }
            guard oh <= 23, om <= 59 else { throw .outOfRange("offset") }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        default:
            throw .malformed
        }
        guard i == u.count else { throw .malformed }
        guard (1...12).contains(month) else { throw .outOfRange("month") }
        guard (1...daysInMonth(year: year, month: month)).contains(day) else { throw .outOfRange("day") }
        guard hour <= 23 else { throw .outOfRange("hour") }
        guard minute <= 59 else { throw .outOfRange("minute") }
        guard second <= 59 else { throw .outOfRange("second") }
        guard year >= 1 else { throw .outOfRange("year") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        guard (firstSecond...lastSecond).contains(seconds) else { throw .outsideYears }
        guard fractionDigits > 0 else { return Date(timeIntervalSince1970: Double(seconds)) }
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: scale)
        guard !overflow else { return Date(timeIntervalSince1970: Double(seconds) + Double(fractionUnits) / Double(scale)) }
        return Date(timeIntervalSince1970: Double(scaled + fractionUnits) / Double(scale))
    }

    /// `0001-01-01T00:00:00Z` and `9999-12-31T23:59:59Z` as seconds since 1970: the instants
    /// the UTC form can write.
    public static let firstSecond = -62_135_596_800
    public static let lastSecond = 253_402_300_799

    /// The API's form of a wire value: like `parse`, but nil instead of a reason.
    public static func parseWire(_ text: String) -> Date? {
        var t = Substring(text)
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        return try? parse(String(t))
    }

    /// Whole seconds since 1970 (rounded down), the unit zone arithmetic works in.
    public static func epochSeconds(_ date: Date) -> Int64 {
        Int64(clamped(date).rounded(.down))
    }

    /// Whole milliseconds since 1970 (rounded down), within years ±9999: never a trap.
    public static func epochMilliseconds(_ date: Date) -> Int64 {
        Int64((clamped(date) * 1000).rounded(.down))
    }

    /// Seconds since 1970 within years ±9999: a tampered saved plan cannot trap a conversion.
    static func clamped(_ date: Date) -> Double {
        let v = date.timeIntervalSince1970
        guard v.isFinite else { return 0 }
        return min(max(v, -316_000_000_000), 253_402_300_799.999)
    }

    /// `2026-12-28T00:00:00+03:00`: an instant as local time at a fixed UTC offset (seconds),
    /// without fractions; `Z` for offset zero when `zulu` is true.
    public static func local(_ date: Date, offsetSeconds offset: Int, zulu: Bool = false) -> String {
        let local = LocalDateTime(epochSeconds: epochSeconds(date) + Int64(offset))
        let zone: String
        if offset == 0 && zulu {
            zone = "Z"
        } else {
            let sign = offset < 0 ? "-" : "+"
            let a = abs(offset)
            zone = "\(sign)\(pad(a / 3600, 2)):\(pad(a / 60 % 60, 2))" + (a % 60 == 0 ? "" : ":\(pad(a % 60, 2))")
        }
        return "\(local.dateText)T\(local.timeText)\(zone)"
    }

    static func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }

    /// `YYYY-MM-DDThh:mm:ss.sssZ` in UTC, the form the Pachca API documents.
    public static func canonical(_ date: Date) -> String {
        let millis = Int((clamped(date) * 1000).rounded(.down))
        var seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = millis - seconds * 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        seconds -= days * 86_400
        let (y, m, d) = civilFromDays(days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(ms, 3))Z"
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, 1970-01-01 = 0).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// A wall-clock date and time without a zone (proleptic Gregorian), as seconds counted as if
/// the local clock were UTC. Zone arithmetic converts between these and instants.
public struct LocalDateTime: Sendable, Hashable, Comparable {
    public var year: Int, month: Int, day: Int
    public var secondOfDay: Int

    public init(year: Int, month: Int, day: Int, secondOfDay: Int = 0) {
        self.year = year; self.month = month; self.day = day; self.secondOfDay = secondOfDay
    }

    public init(epochSeconds s: Int64) {
        let days = Int(s >= 0 ? s / 86_400 : (s - 86_399) / 86_400)
        (year, month, day) = Timestamp.civilFromDays(days)
        secondOfDay = Int(s - Int64(days) * 86_400)
    }

    /// Days since 1970-01-01 of this date.
    public var dayNumber: Int { Timestamp.daysFromCivil(year: year, month: month, day: day) }
    public var epochSeconds: Int64 { Int64(dayNumber) * 86_400 + Int64(secondOfDay) }
    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { Weekday.index(ofDay: dayNumber) }

    public var dateText: String { "\(Timestamp.pad(year, 4))-\(Timestamp.pad(month, 2))-\(Timestamp.pad(day, 2))" }
    public var timeText: String {
        "\(Timestamp.pad(secondOfDay / 3600, 2)):\(Timestamp.pad(secondOfDay / 60 % 60, 2)):\(Timestamp.pad(secondOfDay % 60, 2))"
    }

    public static func < (a: Self, b: Self) -> Bool { a.epochSeconds < b.epochSeconds }
}

public enum Weekday {
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// 0 = Monday for a day number counted from 1970-01-01 (a Thursday).
    public static func index(ofDay day: Int) -> Int { ((day + 3) % 7 + 7) % 7 }
}
