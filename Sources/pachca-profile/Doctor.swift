import ArgumentParser
import Foundation
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender

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

    @Argument(help: "Desired-state files whose needs the token's scopes are judged against.") var files: [String] = []

    /// Beyond this, TLS and token checks may fail and expiry comparisons drift.
    static let clockSkewWarning: Double = 60

    func run() async throws {
        try await reportingErrors {
            let needs = try scopeNeeds()
            var report = DoctorReport(apiURL: global.configuredAPIURL, scopes: needs.map {
                .init(name: $0.name, granted: nil, required: $0.required, neededFor: $0.neededFor)
            })
            let exit = await diagnose(&report)
            report.ok = exit == .success && report.problems.isEmpty
            if output.json { try Output.json(report) } else { Output.stdout(DoctorText.render(report)) }
            if exit != .success { throw exit }
        }
    }

    /// Fills the report check by check; returns the exit status (SPEC §4).
    private func diagnose(_ report: inout DoctorReport) async -> ExitCode {
        let client: PachcaClient
        do {
            client = try global.makeClient()
            report.apiURL = client.configuration.baseURL.absoluteString
            report.pass(.url, "\(report.apiURL)")
        } catch let error as CLIError where error.kind == .authentication {
            report.pass(.url, report.apiURL)
            report.fail(.token, error.description)
            return .authentication
        } catch {
            report.fail(.url, CLIError.from(error).description)
            return .failure
        }

        let started = Date()
        let info: WireTokenInfo
        let serverDate: Date?
        do {
            (info, serverDate) = try await client.tokenInfo()
        } catch let error as PachcaAPIError {
            return report.failed(at: error, url: client.configuration.baseURL.absoluteString)
        } catch {
            report.fail(.connection, CLIError.from(error).description)
            return .failure
        }
        let finished = Date()
        report.reachable = true
        report.latencyMS = Int(finished.timeIntervalSince(started) * 1000)
        report.pass(.connection, "\(client.configuration.baseURL.host ?? "the host") answered (\(report.latencyMS!) ms)")
        report.pass(.api, "a Pachca API answers at \(report.apiURL)")
        report.tokenValid = true
        report.tokenOwnerID = info.userID
        report.tokenName = info.name
        if info.scopes.contains("profile:read"), let user = try? await client.profile(.me) {
            report.ownerNickname = user.nickname
        }
        report.pass(.token, "valid" + (info.userID.map { ", owner id \($0)" } ?? "")
                    + (report.ownerNickname.map { " (@\($0))" } ?? "") + (info.name.map { ", named \"\($0)\"" } ?? ""))

        for index in report.scopes.indices { report.scopes[index].granted = info.scopes.contains(report.scopes[index].name) }
        report.scopesPresent = report.scopes.filter { $0.granted == true }.map(\.name)
        report.scopesMissing = report.scopes.filter { $0.required && $0.granted == false }.map(\.name)
        var exit = ExitCode.success
        if let missing = report.scopesMissing, !missing.isEmpty {
            let detail = report.scopes.filter { $0.required && $0.granted == false }
                .map { "\($0.name) (\($0.neededFor))" }.joined(separator: ", ")
            report.fail(.scopes, "missing \(detail)")
            exit = .authentication
        } else {
            let optional = report.scopes.filter { !$0.required && $0.granted == false }.map(\.name)
            report.pass(.scopes, "all needed granted" + (optional.isEmpty ? "" : "; optional, not granted: \(optional.joined(separator: ", "))"))
        }

        if let serverDate {
            // The server stamped its Date somewhere within the round trip; compare with its midpoint.
            let local = started.addingTimeInterval(finished.timeIntervalSince(started) / 2)
            let skew = (local.timeIntervalSince(serverDate) * 10).rounded() / 10
            report.clockSkewSeconds = skew
            if abs(skew) > Self.clockSkewWarning {
                report.problems.append("clock skew of \(skew) s against the API (expires_at comparisons may be off)")
            }
        }
        return exit
    }

    /// The scopes to judge: what the given files need, or every scope the tool can use.
    private func scopeNeeds() throws -> [ScopeNeed] {
        var needs = [ScopeNeed(name: "profile:read", required: true, neededFor: "plan, apply, show, export"),
                     ScopeNeed(name: "profile_status:read", required: true, neededFor: "plan, apply, show, export")]
        if files.isEmpty {
            needs.append(ScopeNeed(name: "profile_status:write", required: true, neededFor: "apply of a file with status"))
            needs.append(ScopeNeed(name: "profile_avatar:write", required: true, neededFor: "apply of a file with avatar"))
        } else {
            let now = Date()
            let desired = try files.map { try DesiredStateLoading.load($0, now: now, noColor: global.noColor) }
            let status = desired.filter { $0.status.isManaged }.map(\.file)
            let avatar = desired.filter { $0.avatar.isManaged }.map(\.file)
            needs.append(ScopeNeed(name: "profile_status:write", required: !status.isEmpty,
                                   neededFor: status.isEmpty ? "no given file manages status" : "status of \(status.joined(separator: ", "))"))
            needs.append(ScopeNeed(name: "profile_avatar:write", required: !avatar.isEmpty,
                                   neededFor: avatar.isEmpty ? "no given file manages avatar" : "avatar of \(avatar.joined(separator: ", "))"))
        }
        needs.append(ScopeNeed(name: "custom_properties:read", required: false, neededFor: "custom properties in show"))
        return needs
    }

    struct ScopeNeed { var name: String; var required: Bool; var neededFor: String }
}

extension PachcaAPIError {
    /// The HTTP status of a refused request, when there was one.
    var httpStatus: Int? {
        switch self {
        case .apiError(let status, _, _, _), .unexpectedStatus(let status, _, _, _): status
        case .unauthorized: 401
        case .forbidden: 403
        default: nil
        }
    }
}

/// `doctor --json` (`docs/schemas/doctor.schema.json`): every key present, `null` when the
/// check that would tell was not reached.
struct DoctorReport: Encodable {
    enum CheckName: String, Encodable { case url, connection, api, token, scopes }
    struct Check: Encodable { var name: CheckName; var ok: Bool; var message: String }
    struct Scope: Encodable {
        var name: String
        /// `null` when the token could not be read.
        @AlwaysPresent var granted: Bool?
        var required: Bool
        var neededFor: String
    }

    var formatVersion = JSONDocument.formatVersion
    var apiURL: String
    var checks: [Check] = []
    /// The first check that failed; `null` when all passed.
    @AlwaysPresent var failedCheck: CheckName?
    var reachable = false
    @AlwaysPresent var latencyMS: Int?
    var tokenValid = false
    @AlwaysPresent var tokenOwnerID: Int?
    @AlwaysPresent var tokenName: String?
    @AlwaysPresent var ownerNickname: String?
    var scopes: [Scope]
    /// Granted scopes among `scopes`, and required ones missing; `null` until the token was read.
    @AlwaysPresent var scopesPresent: [String]?
    @AlwaysPresent var scopesMissing: [String]?
    @AlwaysPresent var clockSkewSeconds: Double?
    var problems: [String] = []
    var ok = false

    init(apiURL: String, scopes: [Scope]) { self.apiURL = apiURL; self.scopes = scopes }

    mutating func pass(_ name: CheckName, _ message: String) { checks.append(Check(name: name, ok: true, message: message)) }
    mutating func fail(_ name: CheckName, _ message: String) {
        checks.append(Check(name: name, ok: false, message: message))
        if failedCheck == nil { failedCheck = name }
        problems.append(message)
    }

    /// Places a failed token read at the first check it disproves.
    mutating func failed(at error: PachcaAPIError, url: String) -> ExitCode {
        switch error {
        case .transport, .rateLimitDeadline:
            fail(.connection, error.description)
            return .failure
        case .gaveUp, .apiError, .decoding, .unexpectedStatus:
            reachable = true
            pass(.connection, "the host answered")
            if error.httpStatus == 404 {
                fail(.api, "no Pachca API at this URL: \(url)/oauth/token/info answered 404 (check --api-url; the default is \(ClientConfiguration.defaultBaseURL.absoluteString))")
            } else {
                fail(.api, error.description)
            }
            return .failure
        case .unauthorized, .forbidden, .missingToken:
            reachable = true
            pass(.connection, "the host answered")
            pass(.api, "a Pachca API answers at \(url)")
            fail(.token, error.description)
            return .authentication
        case .invalidURL, .insecureURL:
            fail(.url, error.description)
            return .failure
        }
    }
}

enum DoctorText {
    static func render(_ r: DoctorReport) -> String {
        var lines = r.checks.map { "\($0.ok ? "ok  " : "FAIL") \($0.name.rawValue): \($0.message)" }
        if r.tokenValid {
            for scope in r.scopes {
                let mark = scope.granted == true ? "ok  " : (scope.required ? "FAIL" : "--  ")
                lines.append("  \(mark) \(scope.name)\(scope.required ? "" : " (optional)"): \(scope.neededFor)")
            }
        }
        if let skew = r.clockSkewSeconds {
            lines.append("\(abs(skew) <= DoctorCommand.clockSkewWarning ? "ok  " : "WARN") clock skew: \(skew) s")
        }
        for problem in r.problems where !r.checks.contains(where: { !$0.ok && $0.message == problem }) {
            lines.append("problem: \(problem)")
        }
        return lines.joined(separator: "\n")
    }
}
