import ArgumentParser
import Foundation
import PachcaAPI

/// Options every subcommand that talks to the API accepts (SPEC §2, §3).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("api-url"), help: "API base URL (env PACHCA_API_URL; default \(ClientConfiguration.defaultBaseURL.absoluteString)).")
    var apiURL: String?

    @Option(name: .customLong("token-file"), help: "Read the bearer token from this file (trailing newline trimmed).")
    var tokenFile: String?

    @Option(name: .customLong("token"), help: "Bearer token, for one-off use (prefer PACHCA_TOKEN or --token-file).")
    var token: String?

    @Option(name: .customLong("timeout"), help: "Seconds per request (env PACHCA_TIMEOUT; default 30).")
    var timeout: Double?

    @Flag(name: .customLong("no-color"), help: "Never color the output.")
    var noColor = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Trace each request on stderr (token redacted).")
    var verbose = false

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// Flag, then file, then environment (SPEC §3); checked and registered for redaction.
    func resolveToken(environment: [String: String]) throws -> APIToken? {
        try TokenSource.resolve(flag: token, file: tokenFile, environment: environment)
    }

    /// The one client for this run. `PachcaClient.init` refuses a malformed URL and plain
    /// `http://` to a non-loopback host before any connection.
    func makeClient() throws -> PachcaClient {
        let environment = ProcessInfo.processInfo.environment
        let url: URL
        if let configured = apiURL ?? environment["PACHCA_API_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let parsed = URL(string: configured) else { throw CLIError.failure("invalid API URL \(configured)") }
            url = parsed
        } else {
            url = ClientConfiguration.defaultBaseURL
        }
        var seconds = 30.0
        if let timeout { seconds = timeout } else if let env = environment["PACHCA_TIMEOUT"], !env.isEmpty {
            guard let parsed = Double(env), parsed > 0 else {
                throw CLIError.failure("PACHCA_TIMEOUT must be a positive number of seconds (got \(env))")
            }
            seconds = parsed
        }
        let token = try resolveToken(environment: environment)
        if token == nil {
            throw CLIError.authentication("no token: set PACHCA_TOKEN, or pass --token-file PATH")
        }
        var configuration = ClientConfiguration(baseURL: url, token: token)
        configuration.timeout = seconds
        if verbose {
            configuration.trace = { line in Output.stderr(line) }
        }
        do {
            return try PachcaClient(configuration)
        } catch let error as PachcaAPIError {
            throw CLIError.from(error)
        }
    }

    var colorEnabledOnStdout: Bool { Output.colorEnabled(fd: 1, noColorFlag: noColor) }
}
