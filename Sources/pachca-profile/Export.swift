import ArgumentParser
import Foundation
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

    @Option(name: .customLong("avatar-out"), help: "Also save the live avatar image to this path.")
    var avatarOut: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the file here instead of stdout.")
    var output: String?

    func run() async throws {
        try await reportingErrors {
            let client = try global.makeClient()
            let live = try await LiveReader(client: client).read()
            var avatarLine: String?
            if let avatarOut {
                if let urlString = live.avatarURL, let url = URL(string: urlString) {
                    let bytes = try await client.fetchPublicImage(url, maxBytes: AvatarProver.maxServedImageBytes)
                    do { try bytes.write(to: URL(fileURLWithPath: avatarOut)) } catch {
                        throw CLIError(kind: .file, description: "cannot write avatar to \(avatarOut): \(FileProblem.describe(error, path: avatarOut))")
                    }
                    let base = output.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
                        ?? FileManager.default.currentDirectoryPath
                    avatarLine = "avatar: \(ExportYAML.quote(LocalPath.relative(of: avatarOut, from: base)))"
                } else {
                    avatarLine = "avatar: null"
                }
            }
            let text = ExportYAML.render(live: live, avatarLine: avatarLine, now: Date())
            if let output {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                    throw CLIError(kind: .file, description: "cannot write \(output): \(FileProblem.describe(error, path: output))")
                }
            } else {
                Output.stdout(text, terminator: "")
            }
        }
    }
}

/// Writes a desired-state file. Strings are double-quoted with JSON escapes, which YAML reads
/// back unchanged, so what `plan` re-reads is exactly what was exported.
enum ExportYAML {
    static func render(live: LiveState, avatarLine: String?, now: Date) -> String {
        let owner = live.owner
        var lines = [
            "# Exported from Pachca: \(owner.displayName) (@\(owner.nickname)), id \(owner.id)",
            "version: 1",
        ]
        if let status = live.effectiveStatus(at: now) {
            lines.append("status:")
            lines.append("  emoji: \(quote(status.emoji))")
            lines.append("  title: \(quote(status.title))")
            lines.append("  is_away: \(status.isAway)")
            if let message = status.awayMessage { lines.append("  away_message: \(quote(message))") }
            if let expiresAt = status.expiresAt {
                lines.append("  expires_at: \(Timestamp.canonical(expiresAt))")
            }
        } else {
            lines.append("status: null")
        }
        if let avatarLine { lines.append(avatarLine) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
