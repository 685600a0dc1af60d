import PortableFoundation
import ProfileApply

/// The CLI's side of state-record locking: the wait is bounded (`PACHCA_LOCK_TIMEOUT`
/// seconds, default `StateLock.defaultTimeout`) and said on stderr; a record that is a
/// symlink is refused before anything is written.
enum StateLocking {
    static func acquire(_ store: StateStore) async throws -> StateLock {
        if SafeFile.isSymlink(store.path) {
            throw CLIError(kind: .file, description: "state record \(store.path) is a symbolic link: refusing to apply through it (remove it, or pass --state PATH)")
        }
        var timeout = StateLock.defaultTimeout
        if let text = ProcessInfo.processInfo.environment["PACHCA_LOCK_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds >= 0 else {
                // A usage error, like a bad PACHCA_TIMEOUT (exit 64).
                throw CLIError.usage("PACHCA_LOCK_TIMEOUT must be a number of seconds (got '\(text)')")
            }
            timeout = seconds
        }
        do {
            return try await StateLock.acquire(statePath: store.path, timeout: timeout) { Output.stderr($0) }
        } catch {
            throw CLIError(kind: .file, description: String(describing: error))
        }
    }
}
