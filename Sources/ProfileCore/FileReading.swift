/// How the core reads files (the YAML file, the avatar) without doing I/O itself: the edge
/// passes a real implementation (`ProfileApply.LocalFileSystem`), tests pass an in-memory one.
public protocol FileReading: Sendable {
    /// Reads a whole regular file, refusing one larger than `maxBytes`.
    func readFile(atPath path: String, maxBytes: Int) -> FileReadResult
}

public enum FileReadResult: Sendable, Equatable {
    case contents([UInt8])
    case notFound
    case notRegularFile
    case unreadable(reason: String)
    case tooLarge(size: Int)
}

/// An in-memory file system for tests and previews.
public struct InMemoryFiles: FileReading {
    public var files: [String: [UInt8]]
    public init(_ files: [String: [UInt8]] = [:]) { self.files = files }
    public func readFile(atPath path: String, maxBytes: Int) -> FileReadResult {
        guard let bytes = files[path] else { return .notFound }
        return bytes.count > maxBytes ? .tooLarge(size: bytes.count) : .contents(bytes)
    }
}
