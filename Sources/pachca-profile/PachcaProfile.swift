import ArgumentParser
import Foundation
import ProfileCore

/// Exit statuses of SPEC §4, as `ExitCode` values (`success` 0 and `failure` 1 come with it). They differ from the official `@pachca/cli`
/// (2 = usage, 4 = not found).
extension ExitCode {
    static let changesPresent = ExitCode(2)
    static let authentication = ExitCode(3)
    static let usage = ExitCode.validationFailure  // 64
}

/// The old name of the statuses, for code written before the `ExitCode` extension.
typealias ExitStatus = ExitCode

@main
struct PachcaProfile: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pachca-profile",
        abstract: "Keep a Pachca profile's status and avatar equal to a YAML file kept in git.",
        version: version,
        subcommands: [Validate.self, PlanCommand.self, ApplyCommand.self, ExportCommand.self, ShowCommand.self, DoctorCommand.self]
    )

    /// Like ArgumentParser's, but every failure under `--json` also prints the error document on
    /// stdout (SPEC §2), usage errors included.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Before the command is parsed, `--json` anywhere before a `--` counts.
        let jsonRequested = arguments.prefix { $0 != "--" }.contains("--json")
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitReporting(error, json: jsonRequested)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitReporting(error, json: (command as? any JSONReporting)?.jsonOutput ?? false)
        }
    }

    static func exitReporting(_ error: any Error, json: Bool) -> Never {
        switch error {
        case let exit as ExitCode:
            // The command printed its own document or text already.
            Self.exit(withError: exit)
        case let failure as CLIError:
            Output.report(failure, json: json)
            Self.exit(withError: failure.exitCode)
        default:
            let code = exitCode(for: error)
            if json && code != .success {
                let kind: ErrorKind = code == .usage ? .usage : .failure
                let document = ErrorDocument(kind: kind, message: message(for: error), exitCode: code.rawValue)
                if let text = try? JSONDocument.encode(document) { Output.stdout(text) }
            }
            Self.exit(withError: error)
        }
    }
}
