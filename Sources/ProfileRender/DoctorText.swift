import Support
import ProfileCore
import ProfileYAML

/// The human view of `doctor`: one line per check, the scopes once the token was read.
/// Messages may carry server text (token name, nickname, error bodies): inert, one line each.
public enum DoctorText {
    public static func render(_ r: DoctorReport) -> String {
        var lines = r.checks.map { "\($0.ok ? "ok  " : "FAIL") \($0.name.rawValue): \(InertText.line($0.message))" }
        if r.tokenValid {
            for scope in r.scopes {
                let mark = scope.granted == true ? "ok  " : (scope.required ? "FAIL" : "--  ")
                lines.append("  \(mark) \(scope.name)\(scope.required ? "" : " (optional)"): \(scope.neededFor)")
            }
        }
        if let skew = r.clockSkewSeconds {
            lines.append("\(abs(skew) <= DoctorReport.clockSkewWarning ? "ok  " : "WARN") clock skew: \(skew) s")
        }
        for problem in r.problems where !r.checks.contains(where: { !$0.ok && $0.message == problem }) {
            lines.append("problem: \(InertText.line(problem))")
        }
        for warning in r.warnings { lines.append("warning: \(InertText.line(warning))") }
        return lines.joined(separator: "\n")
    }
}
