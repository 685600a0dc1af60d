import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
private let systemExit = Glibc.exit
#elseif canImport(Darwin)
import Darwin
private let systemExit = Darwin.exit
#endif

/// Exit statuses of SPEC §4. They differ from the official `@pachca/cli` (2 = usage, 4 = not found).
enum ExitStatus {
    static let success = ExitCode(0)
    static let failure = ExitCode(1)
    static let changesPresent = ExitCode(2)
    static let authentication = ExitCode(3)
    static let usage = ExitCode.validationFailure  // 64
}

@main
struct PachcaProfile: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pachca-profile",
        abstract: "Keep a Pachca profile's status and avatar equal to a YAML file kept in git.",
        version: version,
        subcommands: [Validate.self, PlanCommand.self, ApplyCommand.self, TimelineCommand.self, ExportCommand.self, ShowCommand.self, DoctorCommand.self]
    )

    /// As ArgumentParser's own `main`, but every message, its usage errors included, leaves
    /// through the output sink, with the token known to it from the start (issue 10).
    static func main() async {
        CommandLineSafety.registerSecrets(CommandLine.arguments, environment: ProcessInfo.processInfo.environment)
        if let problem = CommandLineSafety.invalidUTF8Argument() {
            Output.stderr("error: \(problem)")
            systemExit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            let message = fullMessage(for: error)
            let code = exitCode(for: error)
            if !message.isEmpty {
                if code == .success { Output.stdout(message) } else { Output.stderr(message) }
            }
            systemExit(code.rawValue)
        }
    }
}
