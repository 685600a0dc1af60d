import Support
import Timekeeping
import PachcaAPI

/// Files the tool writes (state records, saved plans, exports) and reads back, safe against
/// what a repository may ship and against concurrent runs:
/// - a write goes to a fresh temporary file in the same folder, created with
///   `O_CREAT|O_EXCL|O_NOFOLLOW` under an unpredictable name (a planted symlink is never
///   followed, two runs never share a temp file), is `fsync`ed, then `rename`d over the target;
/// - a read is size-bounded by `fstat` before a byte is read, and can refuse a symlink;
/// - text passes the redaction sink on its way to disk.
public enum SafeFile {
    public enum WriteError: Error, CustomStringConvertible, Equatable {
        case symlink(String)
        case failed(String, operation: String, reason: String)

        public var description: String {
            switch self {
            case .symlink(let path): "\(path) is a symbolic link: refusing to write through it (remove it, or choose another path)"
            case .failed(let path, let operation, let reason): "cannot write \(path): \(operation): \(reason)"
            }
        }
    }

    public enum ReadResult: Equatable {
        case contents([UInt8])
        case missing
        case symlink
        case notRegularFile
        case tooLarge(size: Int)
        case unreadable(String)
    }

    /// Writes text (redacted of the token's whole and masked forms) atomically. `refuseSymlink`: fail when
    /// the target is a symlink (otherwise the rename replaces the link itself, never what it
    /// points to). No fragment rule: these files are read back (saved plans, state records,
    /// exported profiles), and a file name sharing 8 characters with the token must survive.
    public static func write(text: String, to path: String, redactor: SecretRedactor, refuseSymlink: Bool = false,
                             mode: mode_t = 0o644, durable: Bool = true) throws {
        try write(bytes: Array(redactor.redact(text, fragments: false).utf8), to: path,
                  refuseSymlink: refuseSymlink, mode: mode, durable: durable)
    }

    /// `durable: false` skips the two `fsync`s (file and folder; about 8 ms each on a shared
    /// disk) for a writer of thousands of files (`export --all`), which calls `flush` once at
    /// the end instead. The write stays atomic (temp file, rename).
    public static func write(bytes: [UInt8], to path: String, refuseSymlink: Bool = false, mode: mode_t = 0o644,
                             durable: Bool = true) throws {
        if refuseSymlink, isSymlink(path) { throw WriteError.symlink(path) }
        // Plain string work, not Foundation's URL (its code is mapped for nothing).
        let folder = LocalPath.directory(of: path)
        let base = LocalPath.fileName(of: path)
        var temp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            temp = folder + (folder.hasSuffix("/") ? "" : "/") + ".\(base).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw failure(path, "create a temporary file", errno) }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        let code = errno
        guard ok || bytes.isEmpty, !durable || fsync(fd) == 0 else {
            close(fd); unlink(temp)
            throw failure(path, "write", ok ? errno : code)
        }
        close(fd)
        if refuseSymlink, isSymlink(path) { unlink(temp); throw WriteError.symlink(path) }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw failure(path, "rename", code)
        }
        // The rename itself must survive a crash: sync the folder entry too (best effort).
        if durable {
            let dir = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dir >= 0 { _ = fsync(dir); close(dir) }
        }
    }

    /// Makes every write so far durable at once (after `durable: false` writes): one `sync`.
    public static func flush() {
        sync()
    }

    /// Reads a whole regular file of at most `maxBytes`, the size checked by `fstat` first.
    public static func read(_ path: String, maxBytes: Int, followSymlinks: Bool = true) -> ReadResult {
        switch BoundedFileRead.read(path, maxBytes: maxBytes, followSymlinks: followSymlinks) {
        case .bytes(let bytes, _): return .contents(bytes)
        case .notRegularFile: return .notRegularFile
        case .tooLarge(let size): return .tooLarge(size: size)
        case .failed(let code):
            switch code {
            case ENOENT, ENOTDIR: return .missing
            case ELOOP: return followSymlinks ? .unreadable("too many symbolic links") : .symlink
            default: return .unreadable(String(cString: strerror(code)))
            }
        }
    }

    public static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    static func failure(_ path: String, _ operation: String, _ code: Int32) -> WriteError {
        .failed(path, operation: operation, reason: String(cString: strerror(code)))
    }
}

/// An advisory lock (`flock`) on `<state record>.lock`, held for a whole `apply`, so two runs
/// on one profile take turns instead of racing. The lock file stays (deleting it would let a
/// third run lock a different inode); it is empty and safe to ignore in git.
public final class StateLock: @unchecked Sendable {
    public enum LockError: Error, CustomStringConvertible {
        case timedOut(path: String, seconds: Double)
        case cannotOpen(path: String, reason: String)
        public var description: String {
            switch self {
            case .timedOut(let path, let seconds):
                "another apply of this profile still holds \(path) after \(Self.seconds(seconds)); nothing was written (try again when it has finished)"
            case .cannotOpen(let path, let reason): "cannot lock \(path): \(reason)"
            }
        }
        static func seconds(_ s: Double) -> String {
            let s = QuantitySetting.lockTimeout.clamped(s)
            return s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
        }
    }

    /// How long a second apply waits by default (`PACHCA_LOCK_TIMEOUT` overrides).
    public static let defaultTimeout: Double = 120

    /// The wait `PACHCA_LOCK_TIMEOUT` asks for (the default when unset or empty), read by the
    /// tool's one number reader: plain decimal seconds from 0 to 86400; anything else (`1e19`,
    /// `0x10`, `-1`) is an error naming the variable; its `description` is one line (a usage
    /// error for the CLI).
    public static func configuredTimeout(environment: [String: String]) throws(QuantityError) -> Double {
        guard let text = environment["PACHCA_LOCK_TIMEOUT"], !text.isEmpty else { return defaultTimeout }
        return try QuantitySetting.lockTimeout.read(text, variable: "PACHCA_LOCK_TIMEOUT").get()
    }

    private let fd: Int32
    public let path: String

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }
    deinit { flock(fd, LOCK_UN); close(fd) }

    /// Takes the lock, waiting at most `timeout` seconds; `onWait` is called once if it must wait.
    public static func acquire(statePath: String, timeout: Double, onWait: (String) -> Void) async throws -> StateLock {
        let timeout = QuantitySetting.lockTimeout.clamped(timeout)  // 1e19 or NaN from a caller never traps
        let path = statePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LockError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let started = Date()
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw LockError.cannotOpen(path: path, reason: reason)
            }
            if Date().timeIntervalSince(started) >= timeout {
                close(fd)
                throw LockError.timedOut(path: path, seconds: timeout)
            }
            if !told {
                onWait("waiting for another apply of this profile to finish (lock \(path), at most \(LockError.seconds(timeout)))")
                told = true
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return StateLock(fd: fd, path: path)
    }
}

/// The state-record locks of a whole run, one per record (per API host and person), taken once
/// the run's people are known and before any record is read or anything planned from it, and
/// held until everything is written. Taken in one canonical order — sorted record paths, each
/// once — so two runs naming the same people in a different order take turns instead of
/// waiting on each other.
public struct StateLocks: Sendable {
    public let held: [StateLock]
    /// Whether another apply held one of them first (its writes may postdate what was read).
    public var waited = false

    public enum Failure: Error, CustomStringConvertible {
        case symlink(path: String)
        case peopleChanged
        public var description: String {
            switch self {
            case .peopleChanged:
                "the files' people changed in the workspace while this apply waited for another; nothing was written (run it again)"
            case .symlink(let path):
                "state record \(path) is a symbolic link: refusing to apply through it (remove it, or pass --state PATH)"
            }
        }
    }

    public static func acquire(_ stores: [StateStore], timeout: Double,
                               onWait: @escaping @Sendable (String) -> Void) async throws -> StateLocks {
        let paths = Set(stores.map(\.path)).sorted()
        for path in paths where SafeFile.isSymlink(path) { throw Failure.symlink(path: path) }
        for folder in Set(paths.map(LocalPath.directory(of:))) { try StateStore.makeFolders(folder) }
        var held: [StateLock] = []
        var waited = false
        for path in paths {
            held.append(try await StateLock.acquire(statePath: path, timeout: timeout, onWait: { waited = true; onWait($0) }))
        }
        return StateLocks(held: held, waited: waited)
    }
}
