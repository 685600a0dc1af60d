import ArgumentParser
import PortableFoundation
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

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the file here instead of stdout.", completion: .file())
    var output: String?

    func run() async throws {
        try await reportingErrors {
            let client = try global.makeClient()
            let live = try await LiveReader(client: client).read()
            var avatar = DesiredStateExport.Avatar.unmanaged
            if let avatarOut {
                if let urlString = live.avatarURL, let url = URL(string: urlString) {
                    let bytes = try await client.fetchPublicImage(url, maxBytes: AvatarProver.maxServedImageBytes)
                    do { try SafeFile.write(bytes: Array(bytes), to: avatarOut) } catch {
                        throw CLIError(kind: .file, description: "cannot write avatar to \(avatarOut): \(FileProblem.describe(error, path: avatarOut))")
                    }
                    let base = output.map { LocalPath.directory(of: LocalPath.absolute($0, in: LocalPath.currentDirectory)) }
                        ?? LocalPath.currentDirectory
                    avatar = .path(LocalPath.relative(of: avatarOut, from: base))
                } else {
                    avatar = .none
                }
            }
            let text: String
            do { text = try DesiredStateExport.render(live: live, avatar: avatar, now: Date()) } catch {
                throw CLIError.failure("cannot write the profile as YAML: \(error)")
            }
            if let output {
                do { try SafeFile.write(text: text, to: output) } catch {
                    throw CLIError(kind: .file, description: "cannot write \(output): \(FileProblem.describe(error, path: output))")
                }
            } else {
                Output.stdout(text, terminator: "")
            }
        }
    }
}
