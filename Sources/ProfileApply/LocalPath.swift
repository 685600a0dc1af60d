import Support

/// Path arithmetic on the local file system's paths, as strings (no I/O but the working
/// directory, read once).
public enum LocalPath {
    /// The process's working directory; a run never changes it.
    public static let currentDirectory: String = {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    public static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    /// The folder part of a path: `profiles/me.yaml` → `profiles`, `me.yaml` → `.`.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component: `profiles/me.yaml` → `me.yaml` (trailing slashes ignored).
    public static func fileName(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `relative(of: "/a/profiles/me.yaml", from: "/a/out")` → `../profiles/me.yaml`.
    public static func relative(of path: String, from base: String) -> String {
        let target = components(of: path), from = components(of: base)
        var common = 0
        while common < min(target.count, from.count) && target[common] == from[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let parts = ups + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// An absolute path's components with `.`, `..` and empty ones resolved (`/a/./b/../c` → `a`, `c`).
    static func components(of path: String) -> [String] {
        var parts: [String] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts
    }
}
