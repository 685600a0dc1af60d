import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PachcaAPI
import ProfileCore
import ProfileRender
import ProfileYAML

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the token, its owner and scopes, API reachability and clock skew.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .customLong("json"), help: "Print one JSON document on stdout.") var json = false

    /// The scopes this tool uses (SPEC §6).
    static let neededScopes = ["profile:read", "profile_status:read", "profile_status:write", "profile_avatar:write"]
    /// Beyond this, TLS and token checks may fail and expiry comparisons drift.
    static let clockSkewWarning: Double = 60

    struct Report: Encodable {
        var format_version = "1"
        var api_url: String
        var reachable: Bool
        var latency_ms: Int?
        var token_valid: Bool
        var token_owner_id: Int?
        var token_name: String?
        var owner_nickname: String?
        var scopes_present: [String]
        var scopes_missing: [String]
        var clock_skew_seconds: Double?
        var problems: [String]
        var ok: Bool
    }

    func run() async throws {
        try await reportingErrors {
            let client = try global.makeClient(json: json)
            let started = Date()
            var report = Report(api_url: client.configuration.baseURL.absoluteString, reachable: false, token_valid: false,
                                scopes_present: [], scopes_missing: Self.neededScopes, problems: [], ok: false)
            var exit: ExitCode = ExitStatus.success
            do {
                let (info, serverDate) = try await client.tokenInfo()
                let finished = Date()
                report.reachable = true
                report.latency_ms = Int(finished.timeIntervalSince(started) * 1000)
                report.token_valid = true
                report.token_owner_id = info.userID
                report.token_name = info.name
                report.scopes_present = Self.neededScopes.filter(info.scopes.contains)
                report.scopes_missing = Self.neededScopes.filter { !info.scopes.contains($0) }
                if let serverDate {
                    // The server stamped its Date somewhere within the round trip; compare with its midpoint.
                    let local = started.addingTimeInterval(finished.timeIntervalSince(started) / 2)
                    let skew = (local.timeIntervalSince(serverDate) * 10).rounded() / 10
                    report.clock_skew_seconds = skew
                    if abs(skew) > Self.clockSkewWarning {
                        report.problems.append("clock skew of \(skew) s against the API (expires_at comparisons may be off)")
                    }
                }
                if info.scopes.contains("profile:read"), let user = try? await client.profile(.me) {
                    report.owner_nickname = user.nickname
                }
                if !report.scopes_missing.isEmpty {
                    report.problems.append("the token lacks scope\(report.scopes_missing.count == 1 ? "" : "s"): \(report.scopes_missing.joined(separator: ", "))")
                    exit = ExitStatus.authentication
                }
            } catch let error as PachcaAPIError {
                report.reachable = !Self.isTransport(error)
                report.problems.append(error.description)
                exit = error.isAuthFailure ? ExitStatus.authentication : ExitStatus.failure
            }
            report.ok = exit == ExitStatus.success && report.problems.isEmpty
            Output.stdout(json ? PlanJSON.encode(report) : Self.text(report))
            if exit != ExitStatus.success { throw exit }
        }
    }

    static func isTransport(_ error: PachcaAPIError) -> Bool {
        switch error {
        case .transport, .gaveUp: true
        default: false
        }
    }

    static func text(_ report: Report) -> String {
        // Token name, nickname and problems may carry server text: inert, one line each.
        var r = report
        r.token_name = r.token_name.map(InertText.line)
        r.owner_nickname = r.owner_nickname.map(InertText.line)
        r.problems = r.problems.map(InertText.line)
        r.api_url = InertText.line(r.api_url)
        func mark(_ ok: Bool) -> String { ok ? "ok  " : "FAIL" }
        var lines = [
            "\(mark(r.reachable)) API reachable: \(r.api_url)\(r.latency_ms.map { " (\($0) ms)" } ?? "")",
            "\(mark(r.token_valid)) token valid\(r.token_owner_id.map { ", owner id \($0)" } ?? "")\(r.owner_nickname.map { " (@\($0))" } ?? "")\(r.token_name.map { ", named \"\($0)\"" } ?? "")",
        ]
        if r.token_valid {
            lines.append("\(mark(r.scopes_missing.isEmpty)) scopes: \(r.scopes_present.isEmpty ? "none of the needed" : r.scopes_present.joined(separator: ", "))\(r.scopes_missing.isEmpty ? "" : "; missing: \(r.scopes_missing.joined(separator: ", "))")")
        }
        if let skew = r.clock_skew_seconds {
            lines.append("\(mark(abs(skew) <= clockSkewWarning)) clock skew: \(skew) s")
        }
        for problem in r.problems { lines.append("problem: \(problem)") }
        return lines.joined(separator: "\n")
    }
}
