import Foundation
import Testing
@testable import Timekeeping

/// TZif parsing and zone arithmetic against the system tz database and `zdump -v`, its
/// reference implementation. Skipped visibly (a disabled test names why) where tzdata or
/// zdump is missing.
@Suite(.enabled(if: tzdataPresent, "no tz database (install tzdata)")) struct ZoneRulesTests {
    static let zoneinfo = zoneinfoFolder
    static let zdumpPath = zdumpExecutable

    static func rules(_ name: String) throws -> ZoneRules {
        let data = try #require(FileManager.default.contents(atPath: "\(zoneinfo)/\(name)"), "\(zoneinfo)/\(name) is missing")
        return try TZif.parse(Array(data), name: name)
    }

    /// `zdump -v -c 1900,2045 NAME` lines: (instant UT, gmtoff, isdst).
    static func zdump(_ name: String) -> [(Int64, Int, Bool)]? {
        guard let zdump = zdumpPath else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zdump)
        process.arguments = ["-v", "-c", "1900,2045", name]
        process.environment = ["TZDIR": zoneinfo]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var rows: [(Int64, Int, Bool)] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            // Europe/Moscow  Sun Mar 27 22:59:59 2011 UT = Mon Mar 28 01:59:59 2011 MSK isdst=0 gmtoff=10800
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 13, f[6] == "UT", let month = months.firstIndex(of: String(f[2])),
                  let day = Int(f[3]), let year = Int(f[5]),
                  let dst = f.first(where: { $0.hasPrefix("isdst=") }), let off = f.first(where: { $0.hasPrefix("gmtoff=") }),
                  let gmtoff = Int(off.dropFirst(7)) else { continue }
            let hms = f[4].split(separator: ":").compactMap { Int($0) }
            guard hms.count == 3 else { continue }
            let t = LocalDateTime(year: year, month: month + 1, day: day, secondOfDay: hms[0] * 3600 + hms[1] * 60 + hms[2]).epochSeconds
            rows.append((t, gmtoff, dst.hasSuffix("1")))
        }
        return rows
    }

    @Test(.enabled(if: zdumpExecutable != nil, "zdump is missing"),
          arguments: ["Europe/Moscow", "America/New_York", "Asia/Kathmandu"])
    func offsetsMatchZdump(_ name: String) throws {
        let rules = try Self.rules(name)
        let rows = try #require(Self.zdump(name), "zdump -v \(name) gave no table")
        #expect(rows.count >= 4, "zdump gave no transitions for \(name)")
        for (t, gmtoff, isDST) in rows {
            let type = rules.type(at: t)
            #expect(type.utcOffset == gmtoff, "\(name) at \(t): \(type.utcOffset) vs zdump \(gmtoff)")
            #expect(type.isDST == isDST, "\(name) at \(t): isdst")
        }
    }

    @Test func newYorkBeyondTheTableFollowsTheFooterRule() throws {
        let rules = try Self.rules("America/New_York")
        let footer = try ZoneRules.posix("EST5EDT,M3.2.0,M11.1.0")
        // Hourly over 2036…2040: crosses the end of the 64-bit table (2037) into the footer.
        var t = LocalDateTime(year: 2036, month: 1, day: 1).epochSeconds
        let end = LocalDateTime(year: 2041, month: 1, day: 1).epochSeconds
        while t < end {
            #expect(rules.utcOffset(at: t) == footer.utcOffset(at: t), "at \(t)")
            t += 3600
        }
        // 2040: DST from March 11 07:00 UTC to November 4 06:00 UTC.
        #expect(rules.utcOffset(at: LocalDateTime(year: 2040, month: 3, day: 11, secondOfDay: 6 * 3600 + 3599).epochSeconds) == -18000)
        #expect(rules.utcOffset(at: LocalDateTime(year: 2040, month: 3, day: 11, secondOfDay: 7 * 3600).epochSeconds) == -14400)
        #expect(rules.utcOffset(at: LocalDateTime(year: 2040, month: 11, day: 4, secondOfDay: 5 * 3600 + 3599).epochSeconds) == -14400)
        #expect(rules.utcOffset(at: LocalDateTime(year: 2040, month: 11, day: 4, secondOfDay: 6 * 3600).epochSeconds) == -18000)
    }

    @Test func localTimesInGapsMoveForwardAndRepeatsMeanTheFirst() throws {
        let ny = try Self.rules("America/New_York")
        func utc(_ local: LocalDateTime, _ rules: ZoneRules) -> String {
            Timestamp.canonical(Date(timeIntervalSince1970: Double(rules.instant(for: local))))
        }
        // 2026-03-08 02:30 does not exist in New York: the first local time that does is 03:00 EDT.
        #expect(utc(LocalDateTime(year: 2026, month: 3, day: 8, secondOfDay: 2 * 3600 + 1800), ny) == "2026-03-08T07:00:00.000Z")
        #expect(utc(LocalDateTime(year: 2026, month: 3, day: 8, secondOfDay: 3600 + 1800), ny) == "2026-03-08T06:30:00.000Z")
        #expect(utc(LocalDateTime(year: 2026, month: 3, day: 8, secondOfDay: 3 * 3600), ny) == "2026-03-08T07:00:00.000Z")
        // 2026-11-01 01:30 happens twice: the first (EDT, −4) counts.
        #expect(utc(LocalDateTime(year: 2026, month: 11, day: 1, secondOfDay: 3600 + 1800), ny) == "2026-11-01T05:30:00.000Z")
        #expect(utc(LocalDateTime(year: 2026, month: 11, day: 1, secondOfDay: 2 * 3600), ny) == "2026-11-01T07:00:00.000Z")
        let ktm = try Self.rules("Asia/Kathmandu"), msk = try Self.rules("Europe/Moscow")
        #expect(utc(LocalDateTime(year: 2026, month: 7, day: 1, secondOfDay: 13 * 3600), ktm) == "2026-07-01T07:15:00.000Z")
        #expect(utc(LocalDateTime(year: 2026, month: 7, day: 1, secondOfDay: 13 * 3600), msk) == "2026-07-01T10:00:00.000Z")
        // 2011-03-27 02:30 did not exist in Moscow (the last change to summer time).
        #expect(utc(LocalDateTime(year: 2011, month: 3, day: 27, secondOfDay: 2 * 3600 + 1800), msk) == "2011-03-26T23:00:00.000Z")
    }

    @Test func posixStrings() throws {
        let ktm = try ZoneRules.posix("<+0545>-5:45")
        #expect(ktm.utcOffset(at: 0) == 20700)
        #expect(ktm.type(at: 0).abbreviation == "+0545")
        let sydney = try ZoneRules.posix("AEST-10AEDT,M10.1.0,M4.1.0/3")
        #expect(sydney.utcOffset(at: LocalDateTime(year: 2030, month: 1, day: 15).epochSeconds) == 39600)
        #expect(sydney.utcOffset(at: LocalDateTime(year: 2030, month: 7, day: 15).epochSeconds) == 36000)
        let permanentDST = try ZoneRules.posix("EST5EDT,0/0,J365/25")
        #expect(permanentDST.utcOffset(at: LocalDateTime(year: 2030, month: 12, day: 31, secondOfDay: 80000).epochSeconds) == -14400)
        for bad in ["", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "<+05>-5:45x", "EST5EDT,M3.2.0", "EST99"] {
            #expect(throws: POSIXRule.ParseError.self, "\(bad)") { try ZoneRules.posix(bad) }
        }
    }

    @Test func hostileBytesAreRefusedNotCrashed() throws {
        #expect(throws: TZif.ParseError.notTZif) { try TZif.parse([], name: "x") }
        #expect(throws: TZif.ParseError.notTZif) { try TZif.parse(Array("hello, this is not a zone file at all, really.".utf8), name: "x") }
        let data = try #require(FileManager.default.contents(atPath: "\(Self.zoneinfo)/America/New_York"))
        let bytes = Array(data)
        for cut in stride(from: 0, to: bytes.count - 1, by: 7) {
            _ = try? TZif.parse(Array(bytes[..<cut]), name: "cut")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var mutated = bytes
            for _ in 0..<4 { mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            if let rules = try? TZif.parse(mutated, name: "mutated") {
                _ = rules.utcOffset(at: 1_800_000_000)
                _ = rules.instant(forLocal: 1_800_000_000)
            }
        }
    }
}

private let zoneinfoFolder = ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
private let tzdataPresent = FileManager.default.fileExists(atPath: "\(zoneinfoFolder)/America/New_York")
private let zdumpExecutable = ["/usr/bin/zdump", "/usr/sbin/zdump", "/bin/zdump"].first(where: FileManager.default.isExecutableFile)
