import ArgumentParser
import Support
import Dispatch
import ProfileCore

/// Exit statuses of docs/commands.md, as `ExitCode` values (`success` 0 and `failure` 1 come with it). They differ from the official `@pachca/cli`
/// (2 = usage, 4 = not found).
extension ExitCode {
    static let changesPresent = ExitCode(2)
    static let authentication = ExitCode(3)
    static let usage = ExitCode.validationFailure  // 64
}

@main
struct PachcaProfile: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pachca-profile",
        abstract: "Keep a Pachca profile's status and avatar equal to a YAML file kept in git.",
        version: version,
        subcommands: [Validate.self, PlanCommand.self, ApplyCommand.self, WatchCommand.self, TimelineCommand.self, ExportCommand.self, ShowCommand.self, DoctorCommand.self]
    )

    /// As ArgumentParser's own `main`, but every message, its usage errors included, leaves
    /// through the output sink, with the token known to it from the start, and every
    /// failure under `--json` also prints the error document on stdout (docs/commands.md).
    ///
    /// Synchronous on purpose: an `async` main parks the main thread in `dispatch_main()`, whose
    /// `pthread_exit` unwinds the stack through `.eh_frame` — half a megabyte of peak RSS spent
    /// on nothing. The command runs on the global executor while this thread waits.
    static func main() {
        CommandLineSafety.registerSecrets(CommandLine.arguments, environment: ProcessInfo.processInfo.environment)
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Before the command is parsed, `--json` anywhere before a `--` counts.
        let jsonRequested = arguments.prefix { $0 != "--" }.contains("--json")
        if let problem = CommandLineSafety.invalidUTF8Argument() {
            Output.report(.usage(problem), json: jsonRequested)
            systemExit(ExitCode.usage.rawValue)
        }
        let commands = configuration.subcommands.map { $0._commandName }
        if let problem = CommandLineSafety.unknownCommand(arguments, known: commands) {
            Output.report(.usage(problem), json: jsonRequested)
            systemExit(ExitCode.usage.rawValue)
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitReporting(error, json: jsonRequested)
        }
        let failure = waitForCommand(command)
        if let failure {
            exitReporting(failure, json: (command as? any JSONReporting)?.jsonOutput ?? false)
        }
    }

    /// Runs the parsed command to its end on the global concurrent executor, blocking this
    /// (the main) thread; nothing in the tool is bound to the main actor.
    private static func waitForCommand(_ command: any ParsableCommand) -> (any Error)? {
        let run = CommandRun(command)
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            await run.start()
            finished.signal()
        }
        finished.wait()
        return run.failure
    }

    static func exitReporting(_ error: any Error, json: Bool) -> Never {
        switch error {
        case let exit as ExitCode:
            // The command printed its own document or text already.
            systemExit(exit.rawValue)
        case let failure as CLIError:
            Output.report(failure, json: json)
            systemExit(failure.exitCode.rawValue)
        default:
            let code = exitCode(for: error)
            if json && code != .success {
                let kind: ErrorKind = code == .usage ? .usage : .failure
                let document = ErrorDocument(kind: kind, message: message(for: error), exitCode: code.rawValue)
                if let text = try? JSONDocument.encode(document) { Output.stdout(text) }
            }
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { Output.stdout(message) } else { Output.stderr(message) }
            }
            systemExit(code.rawValue)
        }
    }
}

/// The parsed command and how it ended, handed between the waiting main thread and the task
/// (the semaphore orders the accesses).
private final class CommandRun: @unchecked Sendable {
    private var command: any ParsableCommand
    private(set) var failure: (any Error)?

    init(_ command: any ParsableCommand) { self.command = command }

    func start() async {
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            failure = error
        }
    }
}
