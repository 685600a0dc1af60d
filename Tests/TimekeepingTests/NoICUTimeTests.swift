import Foundation
import Testing

/// The product keeps time without ICU: no `TimeZone(identifier:)` (nil under
/// FoundationEssentials), no date formatters or calendars; Timekeeping does it all.
/// The emulator may use full Foundation (it is an independent oracle).
@Suite struct NoICUTimeTests {
    static let forbidden = ["TimeZone(identifier:", "DateFormatter", "Calendar(identifier:", "ISO8601FormatStyle", "Locale("]

    @Test func productSourcesUseTimekeepingOnly() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path), "no Sources folder beside the tests")
        var offenders: [String] = []
        var scanned = 0
        for case let path as String in files where path.hasSuffix(".swift") && !path.hasPrefix("PachcaEmulator/") && !path.hasPrefix("pachca-emulator/") {
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            scanned += 1
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                for word in Self.forbidden where code.contains(word) { offenders.append("\(path):\(n + 1): \(word)") }
            }
        }
        #expect(scanned > 40)
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }
}
