import Support
import Timekeeping
import PachcaAPI
import ProfileCore

/// `doctor`'s checks after the URL parsed: connection → API at that URL → token → scopes,
/// stopping at the first cause, then the clock.
public enum Doctor {
    public static func diagnose(client: PachcaClient, report: inout DoctorReport) async -> DoctorReport.Verdict {
        let verdict = await checks(client: client, report: &report)
        report.ok = verdict == .ok
        return verdict
    }

    /// No client could be made: an unusable token (`authentication`) fails the token check
    /// after a passed URL check; anything else (the URL, the settings) fails the URL check.
    public static func noClient(_ message: String, authentication: Bool, report: inout DoctorReport) -> DoctorReport.Verdict {
        if authentication {
            report.pass(.url, report.apiURL)
            report.fail(.token, message)
        } else {
            report.fail(.url, message)
        }
        report.ok = false
        return authentication ? .authentication : .failure
    }

    static func checks(client: PachcaClient, report: inout DoctorReport) async -> DoctorReport.Verdict {
        let url = client.configuration.baseURL.absoluteString
        report.apiURL = url
        report.pass(.url, url)
        let started = Date()
        let info: WireTokenInfo
        let serverDate: Date?
        do {
            (info, serverDate) = try await client.tokenInfo()
        } catch let error as PachcaAPIError {
            return failed(at: error, url: url, report: &report)
        } catch {
            report.fail(.connection, "unexpected error (\(type(of: error)))")
            return .failure
        }
        let finished = Date()
        report.reachable = true
        report.latencyMS = SafeDuration.milliseconds(finished.timeIntervalSince(started), floor: 0)
        report.pass(.connection, "\(client.configuration.baseURL.host ?? "the host") answered (\(report.latencyMS!) ms)")
        report.pass(.api, "a Pachca API answers at \(url)")
        report.tokenValid = true
        report.tokenOwnerID = info.userID
        report.tokenName = info.name
        if info.scopes.contains(ScopeCatalogue.profileRead(.me)), let user = try? await client.profile(.me) {
            report.ownerNickname = user.nickname
        }
        report.pass(.token, "valid" + (info.userID.map { ", owner id \($0)" } ?? "")
                    + (report.ownerNickname.map { " (@\($0))" } ?? "") + (info.name.map { ", named \"\($0)\"" } ?? ""))

        for index in report.scopes.indices { report.scopes[index].granted = info.scopes.contains(report.scopes[index].name) }
        report.scopesPresent = report.scopes.filter { $0.granted == true }.map(\.name)
        let missing = report.scopes.filter { $0.required && $0.granted == false }
        report.scopesMissing = missing.map(\.name)
        var verdict = DoctorReport.Verdict.ok
        if !missing.isEmpty {
            report.fail(.scopes, "missing " + missing.map { "\($0.name) (\($0.neededFor))" }.joined(separator: ", "))
            verdict = .authentication
        } else {
            let optional = report.scopes.filter { !$0.required && $0.granted == false }.map(\.name)
            report.pass(.scopes, "all needed granted" + (optional.isEmpty ? "" : "; optional, not granted: \(optional.joined(separator: ", "))"))
        }

        if let serverDate {
            // The server stamped its Date somewhere within the round trip; compare with its midpoint.
            let local = started.addingTimeInterval(finished.timeIntervalSince(started) / 2)
            let skew = (local.timeIntervalSince(serverDate) * 10).rounded() / 10
            report.clockSkewSeconds = skew
            if abs(skew) > DoctorReport.clockSkewWarning {
                report.warnings.append("clock skew of \(skew) s against the API (expires_at comparisons may be off)")
            }
        }
        return verdict
    }

    /// Places a failed token read at the first check it disproves.
    static func failed(at error: PachcaAPIError, url: String, report: inout DoctorReport) -> DoctorReport.Verdict {
        switch error {
        case .transport, .rateLimitDeadline, .libcurlUnavailable:
            report.fail(.connection, error.description)
            return .failure
        case .gaveUp, .apiError, .decoding, .unexpectedStatus, .redirect:
            report.reachable = true
            report.pass(.connection, "the host answered")
            if error.httpStatus == 404 {
                report.fail(.api, "no Pachca API at this URL: \(url)/oauth/token/info answered 404 (check --api-url; the default is \(ClientConfiguration.defaultBaseURL.absoluteString))")
            } else {
                report.fail(.api, error.description)
            }
            return .failure
        case .unauthorized, .forbidden, .missingToken:
            report.reachable = true
            report.pass(.connection, "the host answered")
            report.pass(.api, "a Pachca API answers at \(url)")
            report.fail(.token, error.description)
            return .authentication
        case .invalidURL, .insecureURL:
            report.fail(.url, error.description)
            return .failure
        }
    }
}

extension PachcaAPIError {
    /// The HTTP status of a refused request, when there was one.
    public var httpStatus: Int? {
        switch self {
        case .apiError(let status, _, _, _), .unexpectedStatus(let status, _, _, _): status
        case .unauthorized: 401
        case .forbidden: 403
        default: nil
        }
    }
}
