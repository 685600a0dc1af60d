import ArgumentParser
import Support
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender
import ProfileYAML

/// `doctor [FILE...]`: checks in order and stops at the first cause (URL → connection → API at
/// that URL → token → scopes), then the clock. Scopes are judged against what the given files
/// need; without files, against every scope the tool can use, the optional ones marked.
struct DoctorCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the API URL, reachability, the token, its scopes (for FILEs if given) and clock skew.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONOption
    var jsonOutput: Bool { output.json }

    @Argument(help: "Desired-state files whose needs the token's scopes are judged against.", completion: .file()) var files: [String] = []

    func run() async throws {
        try await reportingErrors {
            let now = Date()
            let desired = files.isEmpty ? nil
                : try RunFiles.load(files, now: now, noColor: global.noColor).desired
            var report = DoctorReport(apiURL: global.configuredAPIURL, scopes: DoctorReport.scopes(for: desired))
            let verdict: DoctorReport.Verdict
            do {
                verdict = await Doctor.diagnose(client: try global.makeClient(json: output.json), report: &report)
            } catch let error as CLIError where error.kind == .usage {
                throw error
            } catch {
                let failure = CLIError.from(error)
                verdict = Doctor.noClient(failure.description, authentication: failure.kind == .authentication, report: &report)
            }
            if output.json { try Output.json(report) } else { Output.stdout(DoctorText.render(report)) }
            switch verdict {
            case .ok: break
            case .failure: throw ExitCode.failure
            case .authentication: throw ExitCode.authentication
            }
        }
    }
}
