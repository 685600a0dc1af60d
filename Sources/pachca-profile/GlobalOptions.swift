import ArgumentParser
import Support
import PachcaAPI
import Timekeeping

/// Options every subcommand that talks to the API accepts (docs/commands.md, docs/configuration.md).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("api-url"), help: "API base URL (env PACHCA_API_URL; default \(ClientConfiguration.defaultBaseURL.absoluteString)).")
    var apiURL: String?

    @Option(name: .customLong("token-file"), help: "Read the bearer token from this file (trailing newline trimmed).", completion: .file())
    var tokenFile: String?

    @Option(name: .customLong("token"), help: "Bearer token, for one-off use (prefer PACHCA_TOKEN or --token-file).")
    var token: String?

    @Option(name: .customLong("timeout"), help: "Seconds per request attempt, fractions allowed (env PACHCA_TIMEOUT; default 30).")
    var timeout: String?

    @Option(name: .customLong("rate"), help: "Requests per second this run may make with the token (env PACHCA_RATE; default 45, the API allows 50).")
    var rate: String?

    @Option(name: .customLong("deadline"), help: "Seconds a call may keep retrying before the run gives up on it (env PACHCA_DEADLINE; default 60).")
    var deadline: String?

    @OptionGroup var color: ColorOption
    var noColor: Bool { color.noColor }

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Trace each request on stderr (token redacted).")
    var verbose = false

    func validate() throws {
        let environment = ProcessInfo.processInfo.environment
        try Self.quantity(.timeout, flag: timeout, "--timeout", env: environment, "PACHCA_TIMEOUT")
        try Self.quantity(.deadline, flag: deadline, "--deadline", env: environment, "PACHCA_DEADLINE")
        try Self.quantity(.rate, flag: rate, "--rate", env: environment, "PACHCA_RATE")
    }

    /// A duration or rate from the flag, else the environment, through the one number reader
    /// (plain decimal, inside the setting's range; `0x10`, `1e19`, `inf` are usage errors).
    /// nil when neither is set.
    @discardableResult
    static func quantity(_ setting: QuantitySetting, flag: String?, _ flagName: String,
                         env: [String: String], _ envName: String) throws -> Double? {
        let result: Result<Double, QuantityError>
        if let flag {
            result = setting.read(flag, flag: flagName)
        } else if let value = env[envName], !value.isEmpty {
            result = setting.read(value, variable: envName)
        } else {
            return nil
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw ValidationError("\(error.message)\n  (\(error.form))")
        }
    }

    /// Flag, then file, then environment (docs/configuration.md); checked and registered for redaction.
    func resolveToken(environment: [String: String]) throws -> APIToken? {
        try TokenSource.resolve(flag: token, file: tokenFile, environment: environment)
    }

    /// The one client for this run. `PachcaClient.init` refuses a malformed URL and plain
    /// `http://` to a non-loopback host before any connection.
    /// `json`: the command prints JSON, so no retry notices on stderr either.
    func makeClient(json: Bool = false) throws -> PachcaClient {
        let environment = ProcessInfo.processInfo.environment
        let url = try parsedAPIURL()
        let seconds = try Self.quantity(.timeout, flag: timeout, "--timeout", env: environment, "PACHCA_TIMEOUT") ?? 30
        let deadlineSeconds = try Self.quantity(.deadline, flag: deadline, "--deadline", env: environment, "PACHCA_DEADLINE")
        let token = try resolveToken(environment: environment)
        if token == nil {
            throw CLIError.authentication("no token: set PACHCA_TOKEN, or pass --token-file PATH")
        }
        var configuration = ClientConfiguration(baseURL: url, token: token)
        configuration.redactor = OutputSink.redactor
        configuration.timeout = seconds
        if let deadlineSeconds { configuration.retry.overallDeadline = deadlineSeconds }
        if let perSecond = try Self.quantity(.rate, flag: rate, "--rate", env: environment, "PACHCA_RATE") { configuration.rate = perSecond }
        if verbose {
            configuration.trace = { line in Output.stderr(line) }
        }
        if !json && Output.isTerminal(fd: 2) {
            configuration.retryNotice = { line in Output.stderr(line) }
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
        if !configured.containsScalars("://") {
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
