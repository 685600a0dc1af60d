import ArgumentParser
import Foundation

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
}
