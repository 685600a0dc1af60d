import Support
import ProfileCore

/// The real file system, for the edge. Reads are size-bounded before any byte is read, and
/// a FIFO or device is refused without blocking on it.
public struct LocalFileSystem: FileReading {
    public init() {}

    public func readFile(atPath path: String, maxBytes: Int) -> FileReadResult {
        switch BoundedFileRead.read(path, maxBytes: maxBytes) {
        case .bytes(let bytes, _): .contents(bytes)
        case .failed(let code): Self.failure(errno: code)
        case .notRegularFile: .notRegularFile
        case .tooLarge(let size): .tooLarge(size: size)
        }
    }

    private static func failure(errno code: Int32) -> FileReadResult {
        switch code {
        case ENOENT, ENOTDIR: .notFound
        case EISDIR: .notRegularFile
        case EACCES, EPERM: .unreadable(reason: "permission denied")
        default: .unreadable(reason: String(cString: strerror(code)))
        }
    }
}

/// Reads a desired-state file from disk and decodes it for `now` (the edge's one entry point).
public func loadDesiredState(path: String, now: Date) -> DecodeResult {
    DesiredStateDecoder.decode(file: path, now: now, files: LocalFileSystem(), zones: SystemTimeZones())
}
