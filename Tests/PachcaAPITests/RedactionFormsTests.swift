import Foundation
@testable import PachcaAPI
import PachcaEmulator
import TestTeardown
import Testing

/// Issue 19: a token echoed base64- or hex-encoded reached `--json` and the step summary;
/// a scheme-less API URL printed its userinfo; a token sharing 8 characters with a file name
/// changed the state record.
@Suite(.awaitsTeardown) struct RedactionFormsTests {
    static let token = "SECRET/a+b&c=d-9f8e7d6c5b4a39281706"

    static func redactor(_ token: String = token) -> SecretRedactor {
        let r = SecretRedactor()
        r.register(secret: token)
        return r
    }

    static func base64(_ text: String, urlSafe: Bool = false, padded: Bool = true) -> String {
        var s = Data(text.utf8).base64EncodedString()
        if urlSafe { s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
        if !padded { s = s.replacingOccurrences(of: "=", with: "") }
        return s
    }

    /// Standard and URL-safe, with and without `Bearer `, padded or not, and inside a longer
    /// encoded text at every alignment.
    @Test(arguments: [false, true])
    func base64FormsAreRemoved(_ urlSafe: Bool) {
        let r = Self.redactor()
        for prefix in ["", "Bearer ", "x", "xy", "{\"authorization\":\"Bearer "] {
            for padded in [true, false] {
                let encoded = Self.base64(prefix + Self.token + "\"}", urlSafe: urlSafe, padded: padded)
                let out = r.redact("echo: \(encoded) end")
                #expect(out.contains("<redacted>"), "\(prefix): \(out)")
                // What remains cannot be decoded back into any 8 characters of the token.
                let core = Self.base64(Self.token, urlSafe: urlSafe, padded: false)
                #expect(!out.contains(String(core.prefix(12))) || prefix.count % 3 != 0, "\(prefix): \(out)")
                #expect(!out.contains(encoded), "\(prefix): \(out)")
            }
        }
    }

    @Test func hexFormsAreRemoved() {
        let r = Self.redactor()
        let hex = Self.token.utf8.map { String(format: "%02x", $0) }.joined()
        for text in [hex, hex.uppercased(), "Bearer " + hex, "426561726572" + hex] {
            let out = r.redact("got \(text)!")
            #expect(!out.contains(hex) && !out.contains(hex.uppercased()), "\(out)")
            #expect(out.contains("<redacted>"))
        }
    }

    /// The emulator's echoes of these forms are covered the same way.
    @Test(arguments: [TokenEcho.base64, .bearerBase64URL, .hex])
    func emulatorEchoesAreRemoved(_ echo: TokenEcho) {
        let out = Self.redactor().redact("{\"error_description\":\"\(echo.encode(Self.token))\"}")
        #expect(!out.contains(echo.encode(Self.token)), "\(echo): \(out)")
    }

    /// `user:pass@host/…` typed without a scheme was printed whole in "no scheme; did you mean…".
    @Test func schemelessUserinfoIsHidden() {
        let r = SecretRedactor()
        let message = "invalid API URL 'admin:hunter2@api.example.com/api/shared/v1': no scheme;"
            + " did you mean 'https://admin:hunter2@api.example.com/api/shared/v1'?"
        let out = r.redact(message)
        #expect(!out.contains("hunter2") && !out.contains("admin"), "\(out)")
        #expect(out.contains("<redacted>@api.example.com/api/shared/v1"), "\(out)")
        for kept in ["anna@example.com", "user: anna@example.com", "mailto:anna@example.com", "12:30 at home", "a:b c@d"] {
            #expect(r.redact(kept) == kept, "\(kept)")
        }
        #expect(r.redact("token:x@localhost:8080 then") == "<redacted>@localhost:8080 then")
    }

    /// Data the tool reads back keeps a file name that shares 8 characters with the token;
    /// printed output still hides the fragment.
    @Test func fragmentsAreHiddenInOutputOnly() {
        let r = Self.redactor("team-anna-profile-token-0123456789")
        let record = "{\"file\":\"profiles/team-anna-profile.yaml\"}"
        #expect(r.redact(record, fragments: false) == record)
        #expect(r.redact(record).contains("<redacted>"))
        // Whole and masked forms go in both.
        #expect(!r.redact("x team-anna-profile-token-0123456789 y", fragments: false).contains("0123456789"))
        #expect(r.redact("team...6789", fragments: false) == "<redacted>")
    }

    /// A 2-character token corrupted every "12" of JSON output; tokens under 16 characters are
    /// refused, and the reason never quotes them.
    @Test func shortTokensAreRefusedWithoutBeingShown() {
        let reason = APIToken.shortness(of: "12", from: "PACHCA_TOKEN")
        #expect(reason?.contains("2 characters long (not shown)") == true, "\(String(describing: reason))")
        #expect(reason?.contains("at least 16") == true)
        #expect(reason?.contains("12 ") == false)
        #expect(APIToken.shortness(of: String(repeating: "a", count: 15), from: "--token") != nil)
        #expect(APIToken.shortness(of: String(repeating: "a", count: 16), from: "--token") == nil)
    }
}

extension RedactionFormsTests {
    /// The encoded forms cost little: on a megabyte of plan-like text their pass is cheaper
    /// than the raw token's own (which every output already paid before issue 19).
    @Test func encodedFormsCostLessThanTheRawPass() {
        let line = "~ status.title \"Работаю\" → \"Working\" — team/anna-ivanova.yaml, id 3001 (2026-07-15T10:00:00.000Z)"
            + " sha256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        let text = Array(String(repeating: line, count: 1_000_000 / line.utf8.count).unicodeScalars)
        var started = Date()
        let raw = SecretMatcher(secret: Array(Self.token.unicodeScalars)).redact(text)
        let rawSeconds = Date().timeIntervalSince(started)
        started = Date()
        let encoded = EncodedForms.redact(text, forms: EncodedForms.of(Array(Self.token.utf8)).map { Array($0.unicodeScalars) })
        let encodedSeconds = Date().timeIntervalSince(started)
        #expect(raw == text && encoded == text)
        #expect(encodedSeconds < rawSeconds, "encoded forms \(encodedSeconds) s, raw \(rawSeconds) s")
    }
}
