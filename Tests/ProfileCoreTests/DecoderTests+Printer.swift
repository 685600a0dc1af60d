import Foundation
import ProfileCore
import ProfileRender
import Testing

@Suite struct DiagnosticPrinterTests {
    let error = Diagnostic(severity: .error, file: "profiles/v.yaml", line: 2, column: 10, path: "status.title",
                           message: "at most 50 characters (got 63)", notes: ["did you mean 'title'?"])
    let warning = Diagnostic(severity: .warning, file: "profiles/v.yaml", line: 0, column: 0,
                             message: "nothing is managed: the file sets neither status nor avatar")

    @Test func plainText() {
        let text = DiagnosticPrinter.text([error, warning])
        #expect(text == """
            profiles/v.yaml:2:10: error: status.title: at most 50 characters (got 63)
              note: did you mean 'title'?
            profiles/v.yaml: warning: nothing is managed: the file sets neither status nor avatar

            """)
        #expect(!text.contains("\u{1B}"))
    }

    @Test func sourceLineAndCaretCountCodePoints() {
        let source = Array("status:\r\n\tt: \"Жжж\" x\r\n".utf8)
        let d = Diagnostic(severity: .error, file: "f.yaml", line: 2, column: 10, message: "m")
        let text = DiagnosticPrinter.text([d], sources: ["f.yaml": source], showSource: true)
        #expect(text == "f.yaml:2:10: error: m\n  \tt: \"Жжж\" x\n  \t        ^\n")
        // Without showSource the line is not quoted.
        #expect(DiagnosticPrinter.text([d], sources: ["f.yaml": source]) == "f.yaml:2:10: error: m\n")
    }

    /// The printed column counts code points; the caret is placed by terminal cells: a ZWJ family
    /// (five scalars) and each CJK character take two cells.
    @Test func caretIsPlacedByTerminalCellWidth() {
        let family = Array("e: \"👨‍👩‍👧\" x\n".utf8)
        let d = Diagnostic(severity: .error, file: "f.yaml", line: 1, column: 12, message: "m")
        #expect(DiagnosticPrinter.text([d], sources: ["f.yaml": family], showSource: true)
                == "f.yaml:1:12: error: m\n  e: \"👨‍👩‍👧\" x\n          ^\n")
        let cjk = Array("t: 家家 x\n".utf8)
        let c = Diagnostic(severity: .error, file: "c.yaml", line: 1, column: 7, message: "m")
        #expect(DiagnosticPrinter.text([c], sources: ["c.yaml": cjk], showSource: true)
                == "c.yaml:1:7: error: m\n  t: 家家 x\n          ^\n")
        #expect(TerminalWidth.cells(of: "🏖️") == 2)
        #expect(TerminalWidth.cells(of: "Ж") == 1)
        #expect(TerminalWidth.cells(of: "e\u{301}") == 1)
    }

    @Test func colorOnlyWhenAsked() {
        #expect(DiagnosticPrinter.text([error], useColor: true).contains("\u{1B}[1;31merror:"))
    }

    @Test func jsonIsSortedAndStable() throws {
        let json = try DiagnosticPrinter.json([FileDiagnostics(file: "profiles/v.yaml", diagnostics: [error]),
                                           FileDiagnostics(file: "ok.yaml", diagnostics: [warning])])
        #expect(json == """
            {"files":[{"diagnostics":[{"column":10,"file":"profiles/v.yaml","line":2,"message":"at most 50 characters (got 63)","notes":["did you mean 'title'?"],"path":"status.title","severity":"error"}],"file":"profiles/v.yaml","valid":false},{"diagnostics":[{"column":0,"file":"profiles/v.yaml","line":0,"message":"nothing is managed: the file sets neither status nor avatar","notes":[],"path":"","severity":"warning"}],"file":"ok.yaml","valid":true}],"format_version":"1"}

            """)
        _ = try JSONSerialization.jsonObject(with: Data(json.utf8))
    }

    @Test func githubCommandsEscape() {
        let d = Diagnostic(severity: .error, file: "a,b:c.yaml", line: 3, column: 4, path: "x", message: "100% wrong", notes: ["n"])
        #expect(DiagnosticPrinter.githubCommands([d, warning]) == """
            ::error file=a%2Cb%3Ac.yaml,line=3,col=4::x: 100%25 wrong%0Anote: n
            ::warning file=profiles/v.yaml::nothing is managed: the file sets neither status nor avatar

            """)
    }

    /// "\r\n" is one Character: a character-wise escaper left it whole, and the runner would
    /// have read what follows as a new workflow command.
    @Test func githubCommandsEscapeCRLF() {
        let d = Diagnostic(severity: .error, file: "x\r\n.yaml", line: 1, column: 1, path: "",
                           message: "bad\r\n::add-mask::x", notes: [])
        let command = DiagnosticPrinter.githubCommands([d])
        #expect(command == "::error file=x%0D%0A.yaml,line=1,col=1::bad%0D%0A::add-mask::x\n")
        #expect(command.unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count == 1)
    }
}
