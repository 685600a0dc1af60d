import Support
import ProfileApply

extension ApplyRun.Locking {
    /// The CLI's locking: the wait is bounded (`PACHCA_LOCK_TIMEOUT` seconds, default
    /// `StateLock.defaultTimeout`) and said on stderr.
    static func fromEnvironment() throws -> ApplyRun.Locking {
        let timeout: Double
        // A usage error, like a bad PACHCA_TIMEOUT (exit 64).
        do { timeout = try StateLock.configuredTimeout(environment: ProcessInfo.processInfo.environment) } catch {
            throw CLIError.usage(error.description)
        }
        return ApplyRun.Locking(timeout: timeout) { Output.stderr($0) }
    }
}
