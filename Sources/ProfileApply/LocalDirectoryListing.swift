import ProfileCore
import Support

/// The real disk for `ProfileFiles.expand`. Below a directory, `lstat` decides: a symlink is
/// reported as a link with what it resolves to (a directory link is never walked, so no loops;
/// a file link is read only when its real path stays inside the walked folder), and a FIFO,
/// device or socket is named, never opened. A path named on the command line counts as what
/// it points to (it was asked for).
extension LocalFileSystem: DirectoryListing {
    public func entryKind(atPath path: String, followingSymlink: Bool) -> DirectoryEntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        case S_IFLNK:
            var target = stat()
            guard stat(path, &target) == 0 else { return followingSymlink ? .missing : .link(.dangling) }
            let kind = target.st_mode & S_IFMT
            if followingSymlink {
                switch kind {
                case S_IFREG: return .file
                case S_IFDIR: return .directory
                default: return .other
                }
            }
            switch kind {
            case S_IFREG: return realPath(path).map { .link(.file(realPath: $0)) } ?? .link(.dangling)
            case S_IFDIR: return .link(.directory)
            default: return .link(.other)
            }
        case S_IFIFO: return followingSymlink ? .other : .special("a FIFO")
        case S_IFCHR, S_IFBLK: return followingSymlink ? .other : .special("a device")
        case S_IFSOCK: return followingSymlink ? .other : .special("a socket")
        default: return .other
        }
    }

    public func entries(ofDirectory path: String) -> [String]? {
        contents(ofDirectory: path)?.names
    }

    /// Names as bytes first: one that is not UTF-8 would be "repaired" by `String(cString:)`
    /// into a path that does not exist and vanish without a word; it is reported instead.
    public func contents(ofDirectory path: String) -> DirectoryContents? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        var undecodable: [String] = []
        while let entry = readdir(dir) {
            let bytes: [UInt8] = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) { pointer in
                    var out: [UInt8] = []
                    var i = 0
                    while i <= Int(NAME_MAX), pointer[i] != 0 { out.append(pointer[i]); i += 1 }
                    return out
                }
            }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                undecodable.append(Self.escapedName(bytes))
            }
        }
        return DirectoryContents(names: names, undecodable: undecodable)
    }

    /// Printable ASCII kept, every other byte as `\xNN`, at most 64 bytes shown.
    static func escapedName(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes.prefix(64) {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\\") {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = String(b, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return bytes.count > 64 ? out + "…" : out
    }

    public func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
