import Foundation
import Testing
import Timekeeping

/// Issue 19: one reader for every duration and rate — plain decimal only, finite, in range.
@Suite struct QuantityTests {
    @Test(arguments: [("30", 30.0), ("0.5", 0.5), (".25", 0.25), ("7.", 7.0), (" 12 ", 12.0), ("0000042", 42.0)])
    func plainDecimalIsRead(_ text: String, _ value: Double) {
        #expect(DecimalNumber.parse(text) == value)
    }

    @Test(arguments: ["0x10", "1e19", "1E3", "inf", "infinity", "nan", "-1", "+1", "", " ", ".", "1.2.3", "1_000",
                      "١٢", "12s", String(repeating: "9", count: 41)])
    func anythingElseIsRefused(_ text: String) {
        #expect(DecimalNumber.parse(text) == nil)
    }

    @Test func settingsRefuseOutOfRangeAndSayWhat() {
        #expect(QuantitySetting.timeout.read("30", flag: "--timeout") == .success(30))
        #expect(QuantitySetting.rate.read("0.001", flag: "--rate") == .success(0.001))
        #expect(QuantitySetting.lockTimeout.read("0", variable: "PACHCA_LOCK_TIMEOUT") == .success(0))
        for (setting, text) in [(QuantitySetting.timeout, "0"), (.timeout, "86401"), (.rate, "0.0001"),
                                (.rate, "10001"), (.deadline, "0x10"), (.lockTimeout, "1e19")] {
            guard case .failure(let error) = setting.read(text, flag: "--x") else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.message.hasPrefix("--x: expected "), "\(error.message)")
            #expect(error.form.hasPrefix("plain decimal"), "\(error.form)")
            #expect(error.form.hasSuffix("; got '\(text)'"), "\(error.form)")
            #expect(!error.description.contains("\n"))
        }
    }

    /// What the user wrote is echoed short and with control characters escaped.
    @Test func theEchoIsAShortEscapedExcerpt() throws {
        guard case .failure(let error) = QuantitySetting.rate.read("\u{1B}[31m" + String(repeating: "x", count: 500), variable: "PACHCA_RATE")
        else { Issue.record("accepted"); return }
        #expect(!error.message.contains("\u{1B}"))
        #expect(error.message.count < 200, "\(error.message)")
        #expect(error.message.hasPrefix("PACHCA_RATE=\\u{1b}[31mxxx"), "\(error.message)")
        #expect(error.message.hasSuffix("…: expected requests per second, a number between 0.001 and 10000"), "\(error.message)")
    }

    @Test func clampingBoundsAnything() {
        #expect(QuantitySetting.lockTimeout.clamped(1e19) == 86_400)
        #expect(QuantitySetting.lockTimeout.clamped(.nan) == 0)
        #expect(QuantitySetting.rate.clamped(1e-300) == 0.001)
    }
}

@Suite struct SafeConversionTests {
    @Test func millisecondsOfAnyDateNeverTrap() {
        #expect(Timestamp.epochMilliseconds(Date(timeIntervalSince1970: 1e300)) == 253_402_300_799_999)
        #expect(Timestamp.epochMilliseconds(Date(timeIntervalSince1970: .nan)) == 0)
        #expect(Timestamp.epochMilliseconds(Date(timeIntervalSince1970: 1.5)) == 1_500)
    }
}
