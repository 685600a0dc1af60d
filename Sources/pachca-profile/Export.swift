import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileYAML

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a live profile as a desired-state file, or write one file per person.",
        discussion: """
            Without --avatar-out a live avatar is left out (unmanaged), never written as `avatar: null`. \
            With it, the image is saved there and the file names it relative to --output's folder \
            (or to the current folder when printing to stdout). --user USER prints that person's file, \
            with its `user:` line. --all --dir DIR writes one file per active person (docs/teams.md, \
            "Start from export"); what it writes plans clean.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("avatar-out"), help: "Also save the live avatar image to this path.", completion: .file())
    var avatarOut: String?

    @Flag(name: .customLong("person"), help: "Also write the person record (names, title, tags, custom properties).")
    var person = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the file here instead of stdout.", completion: .file())
    var output: String?

    @Option(name: .customLong("user"), help: "Export this person's profile (email, nickname or id), with its user: line.")
    var user: String?

    @Flag(name: .customLong("all"), help: "Write one file per active person of the workspace into --dir.")
    var all = false

    @Option(name: .customLong("dir"), help: "The folder --all writes into (created when missing).", completion: .directory)
    var dir: String?

    @Flag(name: .customLong("bots"), help: "With --all: bots too.") var bots = false

    @Flag(name: .customLong("avatars"), help: "With --all: save each live avatar under DIR/avatars/ and manage it.")
    var avatars = false

    @Flag(name: .customLong("force"), help: "With --all: replace files that already exist.") var force = false

    @OptionGroup var stateDir: StateDirOption

    func validate() throws {
        if all {
            guard dir != nil else { throw ValidationError("--all needs --dir DIR") }
            if user != nil || avatarOut != nil || output != nil {
                throw ValidationError("--all writes into --dir: --user, --avatar-out and --output do not apply")
            }
        } else {
            if dir != nil || bots || avatars || force { throw ValidationError("--dir, --bots, --avatars and --force apply to --all") }
            if user != nil, avatarOut != nil { throw ValidationError("--avatar-out applies to the token owner's export; use --all --avatars") }
            _ = try reference()
        }
    }

    func reference() throws -> UserReference? {
        guard let user else { return nil }
        switch UserReference.parse(user) {
        case .success(let ref): return ref
        case .failure(let failure): throw ValidationError("--user \(user): \(failure.message)")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let client = try global.makeClient()
            if all, let dir {
                try await exportAll(into: dir, client: client)
                return
            }
            let text: String
            if let reference = try reference() {
                text = try await Exporter.export(user: reference, client: client, now: Date(), person: person)
            } else {
                text = try await Exporter.export(client: client, avatarOut: avatarOut, outputPath: output, now: Date(),
                                                 person: person)
            }
            if let output { try Exporter.write(text, to: output, redactor: client.configuration.redactor) } else { Output.stdout(text, terminator: "") }
        }
    }

    private func exportAll(into dir: String, client: PachcaClient) async throws {
        let export = WorkspaceExport(directory: dir, bots: bots, avatars: avatars, force: force)
        // A progress line only on a terminal, rewritten in place.
        let terminal = Output.isTerminal(fd: 2)
        let report = try await export.run(client: client, state: stateDir.location(client), now: Date()) { done, total in
            if terminal, done == total || done % 25 == 0 { Output.stderr("\rexported \(done)/\(total)", terminator: "") }
        }
        if terminal, !report.files.isEmpty { Output.stderr("") }
        for note in report.notes { Output.stderr("note: \(InertText.line(note))") }
        let avatarsPart = avatars ? " and \(report.avatars) avatar\(report.avatars == 1 ? "" : "s")" : ""
        Output.stdout("Exported \(report.files.count) profile\(report.files.count == 1 ? "" : "s")\(avatarsPart) to \(InertText.line(dir)); check them with: pachca-profile plan \(InertText.line(dir))")
    }
}
