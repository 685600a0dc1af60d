import Support

/// `multipart/form-data` with file parts (RFC 7578), written by hand: the avatar upload
/// needs one part, and the emulator's parser is tested against this encoder.
public struct MultipartFormData: Sendable {
    public let boundary: String
    public let body: Data

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// One file part named `field`. The boundary is random and re-drawn in the unlikely case
    /// that it occurs inside the content.
    public init(field: String, fileName: String, mimeType: String, content: Data,
                boundary: String? = nil) {
        var chosen = boundary ?? Self.randomBoundary()
        while boundary == nil, content.containsRun(Data(chosen.utf8)) {
            chosen = Self.randomBoundary()
        }
        self.boundary = chosen
        var body = Data()
        body.append(Data("--\(chosen)\r\n".utf8))
        body.append(Data(
            "Content-Disposition: form-data; name=\"\(Self.quoted(field))\"; filename=\"\(Self.quoted(fileName))\"\r\n"
                .utf8))
        body.append(Data("Content-Type: \(Self.headerSafe(mimeType))\r\n\r\n".utf8))
        body.append(content)
        body.append(Data("\r\n--\(chosen)--\r\n".utf8))
        self.body = body
    }

    static func randomBoundary() -> String {
        var rng = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        let hex = (0..<16).map { _ -> String in
            let byte = UInt8.random(in: 0...255, using: &rng)
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
        }
        return "pachca-profile-" + hex.joined()
    }

    /// Quoted-string value as browsers write it (WHATWG): `"` and CR/LF percent-encoded.
    static func quoted(_ s: String) -> String {
        s.replacingScalars("\"", with: "%22")
            .replacingScalars("\r", with: "%0D")
            .replacingScalars("\n", with: "%0A")
    }

    static func headerSafe(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }
}
