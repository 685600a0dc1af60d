import Support
import ProfileApply

extension ApplyRun.Locking {
    /// The CLI's locking: the wait is bounded (`PACHCA_LOCK_TIMEOUT` seconds, default
    /// `StateLock.defaultTimeout`) and said on stderr.
    static func fromEnvironment() throws -> ApplyRun.Locking {
        var timeout = StateLock.defaultTimeout
        if let text = ProcessInfo.processInfo.environment["PACHCA_LOCK_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
                // A usage error, like a bad PACHCA_TIMEOUT (exit 64).
                throw CLIError.usage("PACHCA_LOCK_TIMEOUT must be a number of seconds (got '\(text)')")
            }
            timeout = seconds
        }
        return ApplyRun.Locking(timeout: timeout) { Output.stderr($0) }
    }
}
