import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the live profile as a desired-state file.",
        discussion: """
            Without --avatar-out a live avatar is left out (unmanaged), never written as `avatar: null`. \
            With it, the image is saved there and the file names it relative to --output's folder \
            (or to the current folder when printing to stdout).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("avatar-out"), help: "Also save the live avatar image to this path.", completion: .file())
    var avatarOut: String?

    @Flag(name: .customLong("person"), help: "Also write the person record (names, title, tags, custom properties).")
    var person = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the file here instead of stdout.", completion: .file())
    var output: String?

    func run() async throws {
        try await reportingErrors {
            let text = try await Exporter.export(client: try global.makeClient(), avatarOut: avatarOut, outputPath: output,
                                                 now: Date(), person: person)
            if let output { try Exporter.write(text, to: output) } else { Output.stdout(text, terminator: "") }
        }
    }
}
