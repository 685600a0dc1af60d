import Foundation
import Testing
import Timekeeping

/// The product's one timestamp implementation: ISO-8601 with offsets, the API's UTC form,
/// HTTP dates; checked against Foundation's formatters (tests may use ICU, the product not).
@Suite struct TimestampTests {
    @Test func httpDatesInTheThreeForms() {
        let expected = Date(timeIntervalSince1970: 784_111_777)  // 1994-11-06T08:49:37Z
        #expect(Timestamp.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(Timestamp.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(Timestamp.parseHTTPDate("Sun Nov  6 08:49:37 1994") == expected)
        for bad in ["", "yesterday", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"] {
            #expect(Timestamp.parseHTTPDate(bad) == nil, "\(bad)")
        }
    }

    @Test func httpDatesAgreeWithFoundation() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var t = -2_000_000_000.0
        while t < 4_000_000_000 {
            let date = Date(timeIntervalSince1970: t)
            #expect(Timestamp.parseHTTPDate(formatter.string(from: date)) == date)
            t += 86_400 * 37 + 3_661
        }
    }

    @Test func extremeTimestampsDoNotOverflow() throws {
        let far = try Timestamp.parse("9999-12-31T23:59:59.123456789Z")
        #expect(Timestamp.canonical(far).hasPrefix("9999-12-31T23:59:59."))
        let early = try Timestamp.parse("0001-01-01T00:00:00.5Z")
        #expect(early.timeIntervalSince1970 < 0)
        #expect(Timestamp.canonical(early) == "0001-01-01T00:00:00.500Z")
        // Out-of-range instants (a tampered saved plan) are clamped, never a trap.
        #expect(Timestamp.canonical(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.epochSeconds(Date(timeIntervalSince1970: .nan)) == 0)
    }

    /// Issue 19: `9999-12-31T23:59:59-05:00` is year 10000 in UTC; the API's UTC form cannot
    /// write it, so it used to validate and then never converge. Refused, like year 0.
    @Test func instantsOutsideYearsOneTo9999InUTCAreRefused() throws {
        for text in ["9999-12-31T23:59:59-05:00", "9999-12-31T19:00:00-05:00", "0001-01-01T00:00:00.5+23:59",
                     "0001-01-01T00:59:59+01:00"] {
            #expect(throws: Timestamp.ParseError.outsideYears, "\(text)") { try Timestamp.parse(text) }
        }
        #expect(throws: Timestamp.ParseError.outOfRange("year")) { try Timestamp.parse("0000-06-01T00:00:00Z") }
        #expect(try Timestamp.parse("9999-12-31T18:59:59-05:00").timeIntervalSince1970 == Double(Timestamp.lastSecond))
        #expect(try Timestamp.parse("0001-01-01T01:00:00+01:00").timeIntervalSince1970 == Double(Timestamp.firstSecond))
    }

    @Test func localFormsWithOffsets() {
        let date = Date(timeIntervalSince1970: 1_784_109_600)  // 2026-07-15T10:00:00Z
        #expect(Timestamp.local(date, offsetSeconds: 10_800) == "2026-07-15T13:00:00+03:00")
        #expect(Timestamp.local(date, offsetSeconds: 20_700) == "2026-07-15T15:45:00+05:45")
        #expect(Timestamp.local(date, offsetSeconds: -14_400) == "2026-07-15T06:00:00-04:00")
        #expect(Timestamp.local(date, offsetSeconds: 0, zulu: true) == "2026-07-15T10:00:00Z")
        #expect(Timestamp.canonical(date) == "2026-07-15T10:00:00.000Z")
        #expect(Timestamp.parseWire(" 2026-07-15T13:00:00+03:00 ") == date)
        #expect(LocalDateTime(epochSeconds: 1_784_109_600).weekday == 2)  // a Wednesday
    }
}
