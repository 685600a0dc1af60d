import ProfileCore
import Support

/// The real disk for `ProfileFiles.expand`: `lstat`, so a symlink to a directory is never
/// walked (no loops); a symlink to a file is a file (reading follows it, as for any file).
extension LocalFileSystem: DirectoryListing {
    public func entryKind(atPath path: String, followingSymlink: Bool) -> DirectoryEntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        case S_IFLNK:
            // A named argument that is a symlink to a directory is walked (it was asked for);
            // below a directory, only symlinks to files are taken.
            var target = stat()
            guard stat(path, &target) == 0 else { return .missing }
            switch target.st_mode & S_IFMT {
            case S_IFREG: return .file
            case S_IFDIR where followingSymlink: return .directory
            default: return .other
            }
        default: return .other
        }
    }

    public func entries(ofDirectory path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
