import ArgumentParser

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check desired-state files without touching the network.")
    @Argument(help: "Desired-state files.") var files: [String]
    func run() async throws { throw ExitStatus.failure }
}
