import Support
import ProfileCore
import ProfileYAML

/// `timeline` as a table (local time in the file's zone, UTC beside it) or as JSON.
public enum TimelineText {
    public static func render(_ entries: [TimelineEntry], file: String, zone: ZoneRules?, from: Date, until: Date) -> String {
        let zoneName = zone?.name ?? "UTC"
        // A FROM column when some value comes from another file (an include or a group file).
        let shared = entries.contains { $0.source.map { $0.file != file } ?? false }
        var rows: [[String]] = [["LOCAL (\(zoneName))", "UTC", "WINDOW", "STATUS", "AWAY", "UNTIL"] + (shared ? ["FROM"] : [])]
        for entry in entries {
            var status = "unmanaged", away = "", expires = ""
            switch entry.status {
            case .unmanaged: break
            case .none: status = "no status"
            case .value(let s):
                status = "\(s.emoji) \(s.title)"
                away = s.isAway ? "yes" : "no"
                expires = s.expiresAt.map { local($0, zone) } ?? "—"
            }
            let from = entry.source.map { InertText.line($0.line > 0 ? "\($0.file):\($0.line)" : $0.file) } ?? ""
            rows.append([local(entry.at, zone), utc(entry.at), InertText.line(entry.window ?? "(base)"), InertText.line(status), away, expires]
                        + (shared ? [from] : []))
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["Timeline of \(file) from \(utc(from)) to \(utc(until)) (\(entries.count) entr\(entries.count == 1 ? "y" : "ies"))", ""]
        for row in rows {
            lines.append(row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Wed 2026-07-15 13:00 +03:00`
    public static func local(_ date: Date, _ zone: ZoneRules?) -> String {
        let zone = zone ?? .utc
        let t = Timestamp.epochSeconds(date)
        let offset = zone.utcOffset(at: t)
        let text = Timestamp.local(date, offsetSeconds: offset)  // 2026-07-15T13:00:00+03:00
        let name = Weekday.names[zone.localDateTime(at: t).weekday]
        let day = name.prefix(1).uppercased() + name.dropFirst()
        let seconds = text.dropFirst(17).prefix(2)
        let clock = text.dropFirst(11).prefix(5) + (seconds == "00" ? "" : ":\(seconds)")
        return "\(day) \(text.prefix(10)) \(clock) \(text.dropFirst(19))"
    }

    /// `2026-07-15T10:00:00Z` (the canonical form without milliseconds when they are zero).
    public static func utc(_ date: Date) -> String {
        let canonical = Timestamp.canonical(date)
        return canonical.hasSuffix(".000Z") ? String(canonical.dropLast(5)) + "Z" : canonical
    }
}

public enum TimelineJSON {
    struct Document: Encodable {
        var formatVersion = "1"
        var file: String
        @AlwaysPresent var timezone: String?
        var from: String
        var until: String
        var entries: [Entry]
    }
    /// `status` is null for "no status" and when unmanaged; `managed` tells the two apart.
    struct Entry: Encodable {
        var at: String
        var local: String
        @AlwaysPresent var window: String?
        var managed: Bool
        @AlwaysPresent var status: StatusSnapshot?
        /// Where the window or base status is written (null: unmanaged).
        @AlwaysPresent var source: SourceRef?
    }

    public static func render(_ entries: [TimelineEntry], file: String, zone: ZoneRules?, from: Date, until: Date) throws -> String {
        let zone = zone
        let document = Document(
            file: file, timezone: zone?.name, from: Timestamp.canonical(from), until: Timestamp.canonical(until),
            entries: entries.map { entry in
                Entry(at: Timestamp.canonical(entry.at),
                      local: Timestamp.local(entry.at, offsetSeconds: (zone ?? .utc).utcOffset(at: Timestamp.epochSeconds(entry.at)), zulu: zone == nil),
                      window: entry.window, managed: entry.status.isManaged, status: entry.status.value.map(StatusSnapshot.init), source: entry.source)
            })
        return try JSONDocument.encode(document)
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
