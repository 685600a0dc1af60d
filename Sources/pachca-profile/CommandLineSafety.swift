import PachcaAPI
import ProfileCore
import ProfileYAML

/// What the command line itself could leak or hide, handled before parsing.
enum CommandLineSafety {
    /// A first argument that is no command (`plen`), or `help` of one: a usage error with the
    /// nearest command, instead of ArgumentParser's "unexpected argument" or a help page
    /// that exits 0 for a command that does not exist.
    static func unknownCommand(_ arguments: [String], known: [String]) -> String? {
        guard var word = arguments.first, !word.hasPrefix("-") else { return nil }
        if word == "help" {
            guard let asked = arguments.dropFirst().first, !asked.hasPrefix("-") else { return nil }
            word = asked
        }
        guard !known.contains(word) else { return nil }
        let shown = InertText.line(word.count > 32 ? String(word.prefix(32)) + "…" : word)
        let hint = Suggest.nearest(to: word, among: known).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown command '\(shown)'\(hint) (commands: \(known.joined(separator: ", ")))"
    }

    /// The token may sit in `--token VALUE`, `--token=VALUE` or `PACHCA_TOKEN`: the sink must
    /// know it before any message (a usage error included) is printed.
    static func registerSecrets(_ arguments: [String], environment: [String: String]) {
        if let env = environment["PACHCA_TOKEN"] { OutputSink.redactor.register(secret: env) }
        for (index, argument) in arguments.enumerated() {
            if argument == "--token", index + 1 < arguments.count {
                OutputSink.redactor.register(secret: arguments[index + 1])
            } else if argument.hasPrefix("--token=") {
                OutputSink.redactor.register(secret: String(argument.dropFirst("--token=".count)))
            }
        }
    }

    /// Swift decodes argv with replacement characters, so a file name that is not UTF-8 would
    /// otherwise be opened under another name and reported as "no such file". Say what it is,
    /// its bytes shown escaped.
    static func invalidUTF8Argument() -> String? {
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let length = strlenOf(pointer)
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
            if String(validating: bytes, as: UTF8.self) == nil {
                return "argument '\(escaped(Array(bytes)))' is not valid UTF-8: pachca-profile needs UTF-8 file names (rename it)"
            }
        }
        return nil
    }

    static func strlenOf(_ p: UnsafeMutablePointer<CChar>) -> Int {
        var n = 0
        while p[n] != 0 { n += 1 }
        return n
    }

    /// Valid UTF-8 stays as it is (controls made visible); each other byte becomes `\xHH`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            var decoded: String?
            for length in 1...4 where i + length <= bytes.count {
                if let text = String(validating: bytes[i..<(i + length)], as: UTF8.self) { decoded = text; i += length; break }
            }
            if let decoded { out += InertText.line(decoded) } else {
                out += "\\x" + String(bytes[i], radix: 16, uppercase: true); i += 1
            }
        }
        return out
    }
}
