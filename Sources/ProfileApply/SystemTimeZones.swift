import Support
import ProfileCore

/// The system tz database (`tzdata`): TZif files under `$TZDIR` or `/usr/share/zoneinfo`.
/// The edge half of time zones; the core parses the bytes (`TZif`) and never touches files.
public struct SystemTimeZones: TimeZoneSource {
    public static let defaultDirectory = "/usr/share/zoneinfo"
    public let directory: String

    public init(directory: String? = nil) {
        let env = ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 }
        self.directory = directory ?? env ?? Self.defaultDirectory
    }

    public func tzif(named name: String) -> TimeZoneLookup {
        guard TimeZoneResolution.isWellFormed(name) else { return .notFound }
        guard Self.fileType(directory) == S_IFDIR else { return .unavailable("no tz database at \(directory)") }
        switch LocalFileSystem().readFile(atPath: "\(directory)/\(name)", maxBytes: TZif.maxBytes) {
        case .contents(let bytes): return .found(bytes)
        case .notFound, .notRegularFile: return .notFound
        case .unreadable(let reason): return .unavailable("\(directory)/\(name): \(reason)")
        case .tooLarge: return .notFound
        }
    }

    /// Zone names are the capitalized paths (`Europe/Moscow`, `UTC`); the tables (`zone.tab`),
    /// `posixrules`, `localtime` and the `posix/`, `right/` copies are not zones to suggest.
    public func zoneNames() -> [String] {
        let paths = (try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []
        return paths.filter { path in
            guard let first = path.unicodeScalars.first, ("A"..."Z").contains(first), !path.contains(".") else { return false }
            return Self.fileType("\(directory)/\(path)") == S_IFREG
        }
    }

    /// `S_IFDIR`, `S_IFREG`, … of a path (following symlinks), nil when it does not exist.
    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}
