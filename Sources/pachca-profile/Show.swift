import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

struct ShowCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the live profile, status and custom properties (reads only).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }

    func run() async throws {
        try await reportingErrors {
            let view = try await ProfileViewer.read(client: try global.makeClient(json: output.json), now: Date())
            Output.stdout(output.json ? try ShowJSON.render(view) : ShowText.render(view))
            // each line is ours; server text in it is inert (ShowText)
        }
    }
}
