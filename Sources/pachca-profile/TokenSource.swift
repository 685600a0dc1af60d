import Support
import PachcaAPI
import ProfileApply

/// Where the token comes from (docs/configuration.md: flag, then file, then environment), checked so that
/// it can never leak or be silently mangled: every candidate is registered with the output
/// sink before anything else happens, a token file is read under a size bound, and a token
/// an HTTP header cannot carry is refused with exit 3, saying why without printing it.
enum TokenSource {
    /// A token file larger than this is not a token.
    static let maxTokenFileBytes = 16 * 1024

    static func resolve(flag: String?, file: String?, environment: [String: String]) throws -> APIToken? {
        for candidate in [flag, environment["PACHCA_TOKEN"]] { if let candidate { OutputSink.redactor.register(secret: candidate) } }
        if let flag, !trimmed(flag).isEmpty { return try checked(trimmed(flag), from: "--token") }
        if let file {
            let text = try read(tokenFile: file)
            OutputSink.redactor.register(secret: text)
            let token = trimmed(text)
            guard !token.isEmpty else { throw CLIError.authentication("token file \(file) is empty") }
            return try checked(token, from: "token file \(file)")
        }
        if let env = environment["PACHCA_TOKEN"], !trimmed(env).isEmpty { return try checked(trimmed(env), from: "PACHCA_TOKEN") }
        return nil
    }

    /// Surrounding white space (a file's trailing newline, a pasted space) is not part of a token.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSurroundingSpace($0) }),
              let last = scalars.lastIndex(where: { !isSurroundingSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    static func isSurroundingSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" }

    /// Only visible ASCII can travel in an `Authorization` header; anything else inside the
    /// token (a CR/LF would end the header) is refused rather than sent mangled or dropped.
    static func checked(_ token: String, from source: String) throws -> APIToken {
        // A token pasted with its header's scheme: say so, rather than "white space at character 7".
        if token.unicodeScalars.count > 7, token.prefix(7).lowercased() == "bearer " {
            throw CLIError.authentication(
                "the token from \(source) starts with \"Bearer \": give the token alone (not shown); the tool writes the Authorization header itself")
        }
        for (offset, scalar) in token.unicodeScalars.enumerated() where !(0x21...0x7E).contains(scalar.value) {
            let kind = scalar == " " || scalar == "\t" ? "white space"
                : (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) ? "a control character"
                : scalar.properties.isWhitespace ? "white space"
                : "a character that is not visible ASCII"
            throw CLIError.authentication(
                "the token from \(source) contains \(kind) at character \(offset + 1) (not shown); an HTTP header cannot carry it")
        }
        if let reason = APIToken.shortness(of: token, from: source) { throw CLIError.authentication(reason) }
        return APIToken(token)
    }

    /// Reads a token file: exit 3 when it is missing, not a regular file or too large; a
    /// warning (as ssh gives for a key) when others can read or change it.
    static func read(tokenFile path: String) throws -> String {
        let bytes: [UInt8]
        switch BoundedFileRead.read(path, maxBytes: maxTokenFileBytes) {
        case .bytes(let read, let mode):
            bytes = read
            if mode & 0o077 != 0 {
                let permissions = String(mode & 0o777, radix: 8)
                Output.stderr("warning: token file \(path) is accessible by others (mode 0\(permissions)); run: chmod 600 \(path)")
            }
        case .failed(let code):
            switch code {
            case ENOENT, ENOTDIR: throw CLIError.authentication("token file \(path) does not exist")
            case EACCES, EPERM: throw CLIError.authentication("token file \(path) cannot be read: permission denied")
            default: throw CLIError.authentication("token file \(path) cannot be read: \(String(cString: strerror(code)))")
            }
        case .notRegularFile:
            throw CLIError.authentication("token file \(path) is not a regular file")
        case .tooLarge(let size):
            throw CLIError.authentication("token file \(path) is \(size) bytes: too large for a token (at most \(maxTokenFileBytes))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIError.authentication("token file \(path) is not UTF-8 text")
        }
        return text
    }
}
