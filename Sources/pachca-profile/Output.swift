import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Human output to stdout, diagnostics to stderr (SPEC §2), all through `OutputSink`.
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
                #if canImport(Glibc)
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
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

/// A failure a command reports: message on stderr, then the exit status of SPEC §4.
enum CLIError: Error, CustomStringConvertible {
    case failure(String)          // exit 1
    case authentication(String)   // exit 3

    var description: String {
        switch self { case .failure(let m), .authentication(let m): m }
    }
    var exitCode: ExitCode {
        switch self {
        case .failure: ExitStatus.failure
        case .authentication: ExitStatus.authentication
        }
    }

    static func from(_ error: PachcaAPIError) -> CLIError {
        error.isAuthFailure ? .authentication(error.description) : .failure(error.description)
    }

    /// Any error a command meets, as a CLIError; keeps the token out (our errors never carry it).
    static func from(_ error: Error) -> CLIError {
        switch error {
        case let error as CLIError: error
        case let error as PachcaAPIError: from(error)
        case let error as ApplyError:
            if case .missingScopes = error { .authentication(error.description) } else { .failure(error.description) }
        default: .failure(String(describing: error))
        }
    }
}

extension AsyncParsableCommand {
    /// Runs a command body: prints a failure as `error: …` on stderr and exits with its status.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let failure = CLIError.from(error)
            Output.stderr("error: \(InertText.line(failure.description))")
            throw failure.exitCode
        }
    }
}
