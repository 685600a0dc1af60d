import Foundation
import ProfileCore

/// Reads fixtures from disk, relative to a root, so diagnostics name short stable paths.
struct FixtureFiles: FileReading {
    let root: URL

    func readFile(atPath path: String, maxBytes: Int) -> FileReadResult {
        let full = path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { return .notFound }
        if isDirectory.boolValue { return .notRegularFile }
        guard let data = FileManager.default.contents(atPath: full) else { return .unreadable(reason: "permission denied") }
        return data.count > maxBytes ? .tooLarge(size: data.count) : .contents(Array(data))
    }
}

/// The system tz database, read the way the edge reads it (tests may do I/O; the core may not).
struct TestZones: TimeZoneSource {
    static let directory = ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
    static var available: Bool { FileManager.default.fileExists(atPath: "\(directory)/Europe/Moscow") }

    func tzif(named name: String) -> TimeZoneLookup {
        guard Self.available else { return .unavailable("no tz database") }
        guard let data = FileManager.default.contents(atPath: "\(Self.directory)/\(name)") else { return .notFound }
        return .found(Array(data))
    }
    func zoneNames() -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: Self.directory)) ?? [])
            .filter { ($0.first?.isUppercase ?? false) && !$0.contains(".") }
    }

    static func rules(_ name: String) -> ZoneRules? {
        guard case .success(let rules) = TimeZoneResolution.resolve(name, source: TestZones()) else { return nil }
        return rules
    }
}

enum DecoderFixtures {
    /// `Tests/ProfileCoreTests/Fixtures`, found beside this source file (works in any clone).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let files = FixtureFiles(root: root)
    /// A fixed clock: fixtures say "in the past" relative to this.
    static let now = try! Timestamp.parse("2026-06-01T12:00:00Z")

    static var caseNames: [String] {
        let dir = root.appendingPathComponent("decoder")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func decode(_ name: String) -> DecodeResult {
        DesiredStateDecoder.decode(file: "decoder/\(name)", now: now, files: files, zones: TestZones())
    }

    /// The expectations written at the end of a fixture: `# expect: L:C: severity: message`
    /// lines, each followed by its `# note: …` lines; `# expect: (none)` for a clean file.
    static func expectations(_ name: String) -> [String] {
        let text = String(decoding: (try? Data(contentsOf: root.appendingPathComponent("decoder/\(name)"))) ?? Data(), as: UTF8.self)
        var out: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("# expect: ") {
                let body = String(line.dropFirst("# expect: ".count))
                if body != "(none)" { out.append(body) }
            } else if line.hasPrefix("# note: "), !out.isEmpty {
                out[out.count - 1] += "\n  note: " + line.dropFirst("# note: ".count)
            }
        }
        return out
    }

    /// A diagnostic in the same shape as the expectations (no file name).
    static func render(_ d: Diagnostic) -> String {
        let subject = d.path.isEmpty ? d.message : "\(d.path): \(d.message)"
        return "\(d.line):\(d.column): \(d.severity.rawValue): \(subject)" + d.notes.map { "\n  note: \($0)" }.joined()
    }
}
