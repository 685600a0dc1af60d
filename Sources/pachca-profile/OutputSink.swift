import PachcaAPI
import ProfileRender

/// The way out: every byte the CLI prints passes here. It removes the token in any
/// form and URL userinfo (`SecretRedactor`), makes control characters visible (a terminal
/// keeps only the plain color sequences our renderers write), and stops any line from
/// starting a GitHub Actions workflow command — except the commands we emit on purpose.
enum OutputSink {
    /// The run's one redaction sink, made when the process starts: every token candidate (flag,
    /// file, environment) is registered here before anything is printed, and the client and
    /// the file writers are handed this same sink (`ClientConfiguration.redactor`).
    static let redactor = SecretRedactor()

    static func forTerminal(_ text: String, isTerminal: Bool, workflowCommands: Bool = false) -> String {
        var text = OutputSink.redactor.redact(text)
        text = TerminalText.visibleControls(text, keepColor: isTerminal)
        if !workflowCommands { text = TerminalText.guardedLineStarts(text) }
        return text
    }

    /// For files we write (state record, saved plan, export, step summary): redaction only;
    /// their formats escape control characters themselves.
    static func forFile(_ text: String) -> String { OutputSink.redactor.redact(text) }
}
