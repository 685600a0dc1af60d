import ProfileRender
import ProfileYAML
import Testing

/// The output sink's pure rules (issue 10).
@Suite struct TerminalTextTests {
    @Test func colorSurvivesOnlyOnATerminalAndOnlyAsColor() {
        let text = "\u{1B}[32m+\u{1B}[0m title: \u{1B}]0;pwned\u{7}\u{1B}[2K\r\u{9B}31m\u{202E}x\n\tok"
        #expect(TerminalText.visibleControls(text, keepColor: true)
                == "\u{1B}[32m+\u{1B}[0m title: \\u001B]0;pwned\\u0007\\u001B[2K\\u000D\\u009B31m\\u202Ex\n\tok")
        #expect(!TerminalText.visibleControls(text, keepColor: false).contains("\u{1B}"))
    }

    @Test func noLineStartsAWorkflowCommand() {
        let text = "a\n::error::x\n  ::warning::y\n##[group]z\nb :: c"
        #expect(TerminalText.guardedLineStarts(text) == "a\n\\u003A:error::x\n  \\u003A:warning::y\n\\u0023#[group]z\nb :: c")
    }

    /// A CRLF line break ends a line for the runner too ("\r\n" is one Character in Swift).
    @Test func noLineAfterACRLFStartsAWorkflowCommand() {
        #expect(TerminalText.guardedLineStarts("a\r\n::error::x") == "a\r\n\\u003A:error::x")
    }

    @Test func escapesAreJSONEscapes() {
        #expect(InertText.line("\u{1B}\u{E0001}\n") == "\\u001B\\uDB40\\uDC01\\u000A")
        #expect(InertText.line("В отпуске 🏖️ 👩‍💻") == "В отпуске 🏖️ 👩‍💻")
    }
}
