import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

/// Human output to stdout, diagnostics to stderr (docs/commands.md), all through `OutputSink`.
/// Written with write(2) on the descriptors: Swift 6 does not allow touching the global C
/// `stdout` from concurrent code (and `FileHandle` is not in FoundationEssentials).
enum Output {
    static func stdout(_ text: String, terminator: String = "\n") {
        write(fd: 1, OutputSink.forTerminal(text + terminator, isTerminal: isTerminal(fd: 1)))
    }
    static func stderr(_ text: String, terminator: String = "\n") {
        write(fd: 2, OutputSink.forTerminal(text + terminator, isTerminal: isTerminal(fd: 2)))
    }
    /// GitHub Actions workflow commands we mean to emit (`::error file=…::…`).
    static func workflowCommands(_ text: String) {
        write(fd: 1, OutputSink.forTerminal(text, isTerminal: false, workflowCommands: true))
    }

    /// All of `text`, retrying short writes and EINTR.
    static func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    static func isTerminal(fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Color only on a terminal, never with NO_COLOR set or --no-color.
    static func colorEnabled(fd: Int32, noColorFlag: Bool) -> Bool {
        if noColorFlag { return false }
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty { return false }
        return isTerminal(fd: fd)
    }

    /// Diagnostics for stderr; on a terminal each one quotes its source line with a caret.
    static func diagnosticsText(_ diagnostics: [Diagnostic], noColorFlag: Bool) -> String {
        let showSource = isTerminal(fd: 2)
        var sources: [String: [UInt8]] = [:]
        if showSource {
            // Read again rather than thread the bytes through the decoder: only for a person at a terminal.
            for file in Set(diagnostics.filter { $0.line > 0 }.map(\.file)) {
                if case .contents(let bytes) = LocalFileSystem().readFile(atPath: file, maxBytes: DesiredStateDecoder.maxFileBytes) {
                    sources[file] = bytes
                }
            }
        }
        // A file name is shown on one line whatever bytes it holds (a newline cannot fake a finding).
        let shown = diagnostics.map { d -> Diagnostic in var d = d; d.file = InertText.line(d.file); return d }
        let shownSources = Dictionary(sources.map { (InertText.line($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        return DiagnosticPrinter.text(shown, sources: shownSources, showSource: showSource,
                                      useColor: colorEnabled(fd: 2, noColorFlag: noColorFlag))
    }

    static var isGitHubActions: Bool { ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" }

    static func appendToStepSummary(_ markdown: String) {
        guard isGitHubActions, let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty
        else { return }
        let fd = open(path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { return }
        write(fd: fd, OutputSink.forFile(markdown + "\n"))
        close(fd)
    }
}

/// What kind of failure a command met: `error.kind` of the JSON error document (docs/commands.md).
enum ErrorKind: String, Encodable {
    case usage                 // 64: the command line or its environment is malformed
    case invalidFile = "invalid_file"
    case configuration         // unusable API URL, token file
    case authentication        // 3: no token, 401, 403, missing scope
    case network               // no HTTP answer, gave up retrying, rate-limit deadline
    case api                   // the API answered something else than expected
    case planMismatch = "plan_mismatch"   // a saved plan for another API, owner or person
    case stalePlan = "stale_plan"
    case tooManyChanges = "too_many_changes"   // the blast-radius guard (--max-changes)
    case file                  // a local file cannot be read or written
    case cancelled
    case failure               // anything else

    var exitCode: ExitCode {
        switch self {
        case .usage: ExitCode.usage
        case .authentication: ExitCode.authentication
        default: ExitCode.failure
        }
    }
}

/// A failure a command reports: message on stderr (and the error document under `--json`),
/// then the exit status of docs/commands.md. Failures carry their kind, not just a string.
struct CLIError: Error, CustomStringConvertible {
    var kind: ErrorKind
    var description: String
    /// The findings of an invalid desired-state file, when that is the failure.
    var diagnostics: [Diagnostic] = []
    /// Whether the findings still have to be printed (they were not, while the files loaded).
    var diagnosticsUnprinted = false

    var exitCode: ExitCode { kind.exitCode }

    static func failure(_ message: String) -> CLIError { CLIError(kind: .failure, description: message) }
    static func authentication(_ message: String) -> CLIError { CLIError(kind: .authentication, description: message) }
    static func usage(_ message: String) -> CLIError { CLIError(kind: .usage, description: message) }

    /// An API failure, with what to do about it where that is not obvious.
    static func from(_ error: PachcaAPIError) -> CLIError {
        let kind: ErrorKind
        var hint = ""
        switch error {
        case .unauthorized:
            kind = .authentication
            hint = "; check PACHCA_TOKEN, --token-file or --token"
        case .missingToken, .forbidden: kind = .authentication
        case .invalidURL, .insecureURL, .libcurlUnavailable: kind = .configuration
        case .transport, .gaveUp:
            kind = .network
            hint = "; check the connection and the API URL (`pachca-profile doctor` checks them in order)"
        case .rateLimitDeadline: kind = .network
        case .apiError, .unexpectedStatus, .decoding, .redirect:
            kind = .api
            if error.httpStatus == 404, error.missingPersonID == nil {
                hint = "; is there a Pachca API at this URL? check --api-url or PACHCA_API_URL (`pachca-profile doctor` tells)"
            }
        }
        return CLIError(kind: kind, description: error.description + hint)
    }

    /// Any error a command meets, as a CLIError; keeps the token out (our errors never carry it).
    static func from(_ error: Error) -> CLIError {
        switch error {
        case let error as CLIError: error
        case let error as PachcaAPIError: from(error)
        case let error as SavedPlan.Failure:
            switch error {
            case .otherAccount: CLIError(kind: .planMismatch, description: error.description)
            case .stale: CLIError(kind: .stalePlan, description: error.description)
            case .unreadable, .invalid, .unwritable: CLIError(kind: .file, description: error.description)
            }
        case let error as ApplyError:
            if case .missingScopes = error { .authentication(error.description) }
            else { CLIError(kind: .file, description: error.description) }
        case let error as ScheduleError: CLIError(kind: .configuration, description: error.description)
        case let error as SubjectResolutionError:
            CLIError(kind: .invalidFile,
                     description: "\(error.diagnostics.count) \(error.diagnostics.allSatisfy { !$0.path.hasPrefix("person.") } ? "user: " : "")value\(error.diagnostics.count == 1 ? "" : "s") could not be resolved; nothing was written",
                     diagnostics: error.diagnostics, diagnosticsUnprinted: true)
        case let error as Exporter.Failure:
            switch error {
            case .unwritable, .exists: CLIError(kind: .file, description: error.description)
            case .notYAML, .nobody: .failure(error.description)
            }
        case let error as StateOverrideError: .usage(error.description)
        case let error as StateLocks.Failure: CLIError(kind: .file, description: error.description)
        case let error as SafeFile.WriteError: CLIError(kind: .file, description: error.description)
        case let error as StateLock.LockError: CLIError(kind: .file, description: error.description)
        // Our own error types say what failed in words; Foundation's texts never reach the user.
        case is DecodingError, is EncodingError, is CocoaError: .failure("unexpected error: \(type(of: error))")
        case let error as any CustomStringConvertible: .failure(error.description)
        default: .failure("unexpected error: \(type(of: error))")
        }
    }
}

/// The error document every `--json` command prints on stdout when it fails (docs/commands.md).
struct ErrorDocument: Encodable {
    struct Body: Encodable {
        var kind: ErrorKind
        var message: String
        var exitCode: Int32
        /// Present (maybe empty) on every error, so the schema has one shape.
        var diagnostics: [DiagnosticJSON]
    }
    var formatVersion = JSONDocument.formatVersion
    var error: Body

    init(_ failure: CLIError) {
        error = Body(kind: failure.kind, message: failure.description, exitCode: failure.exitCode.rawValue,
                     diagnostics: failure.diagnostics.map(DiagnosticJSON.init))
    }
    init(kind: ErrorKind, message: String, exitCode: Int32) {
        error = Body(kind: kind, message: message, exitCode: exitCode, diagnostics: [])
    }
}

/// A command that can print one JSON document instead of text.
protocol JSONReporting {
    var jsonOutput: Bool { get }
}

/// `--no-color`, shared by every command (GlobalOptions includes it).
struct ColorOption: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never color the output.") var noColor = false
}

/// `--json`, shared by every command that offers it.
struct JSONOption: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false
}

extension AsyncParsableCommand {
    /// Runs a command body; any failure becomes a typed `CLIError` that `main` reports.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CLIError.from(error)
        }
    }
}

extension Output {
    /// Prints a JSON document on stdout. Encoding our own types cannot fail in practice; if it
    /// ever did, that is reported as an error, never replaced by an empty document.
    static func json<T: Encodable>(_ document: T) throws {
        do { stdout(try JSONDocument.encode(document)) } catch {
            throw CLIError.failure("cannot encode the JSON document: \(JSONDocument.describe(error))")
        }
    }

    /// Reports a failure: `error: …` on stderr, and under `--json` the error document on stdout.
    static func report(_ failure: CLIError, json: Bool) {
        if failure.diagnosticsUnprinted {
            stderr(diagnosticsText(failure.diagnostics, noColorFlag: CommandLine.arguments.contains("--no-color")), terminator: "")
        }
        // Server text is shown inert, on one line; the JSON encoder escapes it itself.
        stderr("error: \(InertText.line(failure.description))")
        if json, let text = try? JSONDocument.encode(ErrorDocument(failure)) { stdout(text) }
    }
}
