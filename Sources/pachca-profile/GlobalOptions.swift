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

    @OptionGroup var color: ColorOption
    var noColor: Bool { color.noColor }

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
        let url = try parsedAPIURL()
        var seconds = 30.0
        if let timeout { seconds = timeout } else if let env = environment["PACHCA_TIMEOUT"], !env.isEmpty {
            guard let parsed = Double(env), parsed > 0 else {
                // A usage error, like a bad --timeout (exit 64).
                throw CLIError.usage("PACHCA_TIMEOUT must be a positive number of seconds (got '\(env)')")
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

    /// The API URL as configured (flag, then environment, then the default), for messages.
    var configuredAPIURL: String {
        apiURL ?? ProcessInfo.processInfo.environment["PACHCA_API_URL"].flatMap({ $0.isEmpty ? nil : $0 })
            ?? ClientConfiguration.defaultBaseURL.absoluteString
    }

    /// The configured URL, or an error that says what to write instead.
    func parsedAPIURL() throws -> URL {
        let configured = configuredAPIURL
        if !configured.contains("://") {
            let host = configured.split(separator: "/").first.map { String($0.split(separator: ":").first ?? $0) } ?? ""
            let scheme = ClientConfiguration.isLoopback(host: host) ? "http" : "https"
            throw CLIError(kind: .configuration, description:
                "invalid API URL '\(configured)': no scheme; did you mean '\(scheme)://\(configured)'?")
        }
        guard let parsed = URL(string: configured), parsed.host != nil else {
            throw CLIError(kind: .configuration, description:
                "invalid API URL '\(configured)': expected a URL such as \(ClientConfiguration.defaultBaseURL.absoluteString)")
        }
        return parsed
    }

    var colorEnabledOnStdout: Bool { Output.colorEnabled(fd: 1, noColorFlag: noColor) }
}
