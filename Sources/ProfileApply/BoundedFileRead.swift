import Support

/// The one bounded read of a local file at the edge: opened without blocking on a FIFO, checked
/// with `fstat` (a regular file of at most `maxBytes`) before any byte is read, then read to the
/// end, stopping one chunk past the bound if it grew meanwhile. `LocalFileSystem` (desired-state
/// files, avatars), `SafeFile` (records, saved plans) and the token file each map the outcome to
/// their own words.
public enum BoundedFileRead {
    public enum Outcome: Equatable {
        /// The bytes, and the file's mode (permission bits included) as `fstat` saw it.
        case bytes([UInt8], mode: mode_t)
        case failed(errno: Int32)
        case notRegularFile
        case tooLarge(size: Int)
    }

    public static func read(_ path: String, maxBytes: Int, followSymlinks: Bool = true) -> Outcome {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followSymlinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { return .failed(errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failed(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegularFile }
        let size = Int(info.st_size)
        if size > maxBytes { return .tooLarge(size: size) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes { return .tooLarge(size: bytes.count) }
        }
        return .bytes(bytes, mode: info.st_mode)
    }
}
