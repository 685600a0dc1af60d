import Support

/// `timezone:` — an IANA name from the tz database, or `profile`: the person's own Pachca
/// `time_zone`, known only once the live profile is read.
public enum TimeZoneSetting: Sendable, Equatable, Codable {
    case named(String)
    case profile

    public var text: String {
        switch self { case .named(let n): n; case .profile: "profile" }
    }
}

/// `on_manual_change:` — what `apply` does with a status a person set by hand.
public enum ManualChangePolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Replace it with the file's status (the default).
    case overwrite
    /// Leave it until it expires or is removed, then resume the file's statuses.
    case keep
}

/// One `schedule:` entry: a dated window (two instants) or a weekly one (days plus local
/// times in the file's zone). `status == nil` means "no status during the window".
public struct ScheduleWindow: Sendable, Equatable, Codable {
    public enum Timing: Sendable, Equatable, Codable {
        case dated(from: Date, until: Date)
        /// Days are 0 = Monday … 6 = Sunday, the day an occurrence starts; minutes count
        /// from local midnight (`until` may be 1440, "24:00"). `until < from` crosses midnight.
        case weekly(days: [Int], fromMinute: Int, untilMinute: Int)
    }

    public var name: String?
    public var timing: Timing
    public var status: StatusFields?
    /// The line of the entry in the file, for messages and warnings.
    public var line: Int
    /// Position in `schedule:` (0-based), for unnamed windows.
    public var index: Int
    /// The file the window is written in, when it is not the profile's own file (an include or
    /// a group file, docs/shared-settings.md); nil: the profile's file.
    public var file: String? = nil

    public init(name: String?, timing: Timing, status: StatusFields?, line: Int = 0, index: Int = 0) {
        self.name = name; self.timing = timing; self.status = status; self.line = line; self.index = index
    }

    /// `lunch`, or `schedule[2]` for an unnamed window.
    public var label: String { name ?? "schedule[\(index)]" }

    public var isWeekly: Bool { if case .weekly = timing { true } else { false } }
}

/// The time-dependent part of a file: its zone, its windows and the hand-set policy.
/// `zone` holds the resolved rules of a named zone; it is not saved with a plan (a saved plan
/// carries the status already evaluated for its instant).
public struct Schedule: Sendable, Equatable, Codable {
    public var timezone: TimeZoneSetting?
    public var windows: [ScheduleWindow]
    public var onManualChange: ManualChangePolicy
    public var zone: ZoneRules?

    public init(timezone: TimeZoneSetting? = nil, windows: [ScheduleWindow] = [], onManualChange: ManualChangePolicy = .overwrite,
                zone: ZoneRules? = nil) {
        self.timezone = timezone; self.windows = windows; self.onManualChange = onManualChange; self.zone = zone
    }

    enum CodingKeys: String, CodingKey { case timezone, windows, onManualChange = "on_manual_change" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timezone = try c.decodeIfPresent(TimeZoneSetting.self, forKey: .timezone)
        windows = try c.decodeIfPresent([ScheduleWindow].self, forKey: .windows) ?? []
        onManualChange = try c.decodeIfPresent(ManualChangePolicy.self, forKey: .onManualChange) ?? .overwrite
        zone = nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(timezone, forKey: .timezone)
        try c.encode(windows, forKey: .windows)
        try c.encode(onManualChange, forKey: .onManualChange)
    }

    public var hasWeeklyWindows: Bool { windows.contains(where: \.isWeekly) }
}

/// Where the tz database comes from. The core does no I/O: the edge passes one that reads
/// `/usr/share/zoneinfo` (`ProfileApply.SystemTimeZones`), tests pass bytes.
public protocol TimeZoneSource: Sendable {
    func tzif(named name: String) -> TimeZoneLookup
    /// Every zone name, for "did you mean" (asked only when a name is unknown).
    func zoneNames() -> [String]
}

public enum TimeZoneLookup: Sendable, Equatable {
    case found([UInt8])
    case notFound
    /// No tz database at all (e.g. tzdata not installed).
    case unavailable(String)
}

/// No tz database: every named zone is "unavailable". The default where none is injected.
public struct NoTimeZones: TimeZoneSource {
    public init() {}
    public func tzif(named name: String) -> TimeZoneLookup { .unavailable("no time zone database was given") }
    public func zoneNames() -> [String] { [] }
}

public enum TimeZoneResolution {
    public enum Failure: Error, Sendable, Equatable {
        case unknown(name: String, suggestion: String?)
        case unavailable(String)
        case unreadable(name: String, reason: String)

        public var message: String {
            switch self {
            case .unknown(let name, _): "unknown time zone '\(name.truncatedForMessage)'"
            case .unavailable(let why): "cannot check the time zone: \(why)"
            case .unreadable(let name, let why): "cannot read time zone '\(name.truncatedForMessage)': \(why)"
            }
        }
        public var notes: [String] {
            switch self {
            case .unknown(_, let s?): ["did you mean '\(s)'?"]
            case .unknown: ["use an IANA name from the tz database, e.g. Europe/Moscow, or 'profile'"]
            case .unavailable: ["install the tz database (apt-get install tzdata) or set TZDIR"]
            case .unreadable: []
            }
        }
    }

    /// A plausible IANA name: letters, digits, `_+-`, separated by single slashes; never `..`.
    public static func isWellFormed(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, !name.hasPrefix("/"), !name.hasSuffix("/") else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.unicodeScalars.allSatisfy {
                (("A"..."Z").contains($0) || ("a"..."z").contains($0)
                 || ("0"..."9").contains($0) || $0 == "_" || $0 == "+" || $0 == "-")
            }
        }
    }

    public static func resolve(_ name: String, source: any TimeZoneSource) -> Result<ZoneRules, Failure> {
        let lookup = isWellFormed(name) ? source.tzif(named: name) : .notFound
        switch lookup {
        case .found(let bytes):
            do { return .success(try TZif.parse(bytes, name: name)) } catch {
                return .failure(.unreadable(name: name, reason: error.description))
            }
        case .unavailable(let why):
            return .failure(.unavailable(why))
        case .notFound:
            // The zone list is read only when a suggestion is possible.
            let suggested = isWellFormed(name) ? suggestion(for: name, among: source.zoneNames()) : nil
            return .failure(.unknown(name: name, suggestion: suggested))
        }
    }

    /// The zone name nearest to a misspelt one (case-insensitive; a bare city matches the
    /// last component, so `Moscow` suggests `Europe/Moscow`). None for a malformed name (which
    /// includes any over 64 bytes): a 100,000-character `timezone:` must not cost an edit
    /// distance against every zone (it took 25 s).
    static func suggestion(for name: String, among names: [String]) -> String? {
        guard isWellFormed(name) else { return nil }
        let wanted = Array(name.lowercased().unicodeScalars)
        let bareCity = !name.contains("/")
        var best: (String, Int)?
        for candidate in names.sorted() {
            let lowered = candidate.lowercased()
            var d = Suggest.distance(wanted, Array(lowered.unicodeScalars))
            if bareCity, let last = lowered.split(separator: "/").last {
                d = min(d, Suggest.distance(wanted, Array(last.unicodeScalars)))
            }
            if d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        return d <= max(2, wanted.count / 4) ? candidate : nil
    }
}
