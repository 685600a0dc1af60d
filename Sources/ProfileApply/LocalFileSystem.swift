#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ProfileCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real file system, for the edge. Reads are size-bounded before any byte is read, and
/// a FIFO or device is refused without blocking on it.
public struct LocalFileSystem: FileReading {
    public init() {}

    public func readFile(atPath path: String, maxBytes: Int) -> FileReadResult {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return Self.failure(errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return Self.failure(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegularFile }
        let size = Int(info.st_size)
        if size > maxBytes { return .tooLarge(size: size) }
        // Stop one chunk past the bound at most: the file may have grown since fstat.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return Self.failure(errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes { return .tooLarge(size: bytes.count) }
        }
        return .contents(bytes)
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
