import Support

extension Timestamp {
    /// Lowercased: month names are matched case-insensitively, as recipients should.
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// An HTTP-date (RFC 9110 docs/file-format.md.6.7), as in `Date` and `Retry-After`: the IMF-fixdate
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
    /// and asctime (`Sun Nov  6 08:49:37 1994`) forms a recipient must accept. No DateFormatter.
    public static func parseHTTPDate(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var day: Int?, month: Int?, year: Int?, clock: String?
        if fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT" {            // IMF-fixdate
            day = Int(fields[1]); month = monthNames.firstIndex(of: fields[2].lowercased()).map { $0 + 1 }
            year = fields[3].count == 4 ? Int(fields[3]) : nil; clock = fields[4]
        } else if fields.count == 4, fields[0].hasSuffix(","), fields[3] == "GMT" {     // RFC 850
            let parts = fields[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let yy = Int(parts[2]), parts[2].count == 2 else { return nil }
            day = Int(parts[0]); month = monthNames.firstIndex(of: parts[1].lowercased()).map { $0 + 1 }
            year = yy < 70 ? 2000 + yy : 1900 + yy; clock = fields[2]
        } else if fields.count == 5 {                                                    // asctime
            month = monthNames.firstIndex(of: fields[1].lowercased()).map { $0 + 1 }
            day = Int(fields[2]); clock = fields[3]; year = fields[4].count == 4 ? Int(fields[4]) : nil
        }
        guard let day, let month, let year, let clock else { return nil }
        let hms = clock.split(separator: ":").map { Int($0) }
        guard hms.count == 3, let h = hms[0], let m = hms[1], let s = hms[2], clock.count == 8,
              h <= 23, m <= 59, s <= 60, (1...daysInMonth(year: year, month: month)).contains(day) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + m * 60 + min(s, 59)))
    }
}
