import Foundation

/// A hand-written, binary-safe `multipart/form-data` parser (RFC 7578).
struct MultipartPart: Sendable {
    var name: String?
    var fileName: String?
    var contentType: String?
    var body: [UInt8]
}

enum Multipart {
    enum Failure: Error, Equatable { case notMultipart, noBoundary, malformed(String) }

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` header.
    static func boundary(contentType: String?) throws -> String {
        guard let contentType else { throw Failure.notMultipart }
        let (type, params) = parseHeaderValue(contentType)
        guard type.lowercased() == "multipart/form-data" else { throw Failure.notMultipart }
        guard let b = params["boundary"], !b.isEmpty, b.utf8.count <= 200 else { throw Failure.noBoundary }
        return b
    }

    static func parse(body: [UInt8], boundary: String) throws -> [MultipartPart] {
        let delimiter = Array("--\(boundary)".utf8)
        let crlfDelimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may start the body or follow a preamble line.
        var pos: Int
        if body.starts(with: delimiter) {
            pos = delimiter.count
        } else if let i = find(crlfDelimiter, in: body, from: 0) {
            pos = i + crlfDelimiter.count
        } else {
            throw Failure.malformed("no opening boundary")
        }
        var parts: [MultipartPart] = []
        while true {
            if body.count >= pos + 2, body[pos] == 45, body[pos + 1] == 45 { return parts }  // "--": close
            // Skip transport padding then CRLF.
            while pos < body.count, body[pos] == 32 || body[pos] == 9 { pos += 1 }
            guard body.count >= pos + 2, body[pos] == 13, body[pos + 1] == 10 else {
                throw Failure.malformed("boundary not followed by CRLF")
            }
            pos += 2
            let headerText: String
            let contentStart: Int
            if body.count >= pos + 2, body[pos] == 13, body[pos + 1] == 10 {
                headerText = ""  // a part without headers
                contentStart = pos + 2
            } else if let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: pos) {
                headerText = String(decoding: body[pos..<headerEnd], as: UTF8.self)
                contentStart = headerEnd + 4
            } else {
                throw Failure.malformed("part headers not terminated")
            }
            guard let contentEnd = find(crlfDelimiter, in: body, from: contentStart) else {
                throw Failure.malformed("part not terminated by a boundary")
            }
            var part = MultipartPart(body: Array(body[contentStart..<contentEnd]))
            for line in headerText.components(separatedBy: "\r\n") where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if name == "content-disposition" {
                    let (_, params) = parseHeaderValue(value)
                    part.name = params["name"]
                    part.fileName = params["filename*"].flatMap(decodeExtended) ?? params["filename"]
                } else if name == "content-type" {
                    part.contentType = value
                }
            }
            parts.append(part)
            pos = contentEnd + crlfDelimiter.count
        }
    }

    /// Splits `type; a=b; c="d \"e\""` into the type and lower-cased parameter names.
    static func parseHeaderValue(_ value: String) -> (String, [String: String]) {
        let scalars = Array(value.unicodeScalars)
        var i = 0
        var type = ""
        while i < scalars.count, scalars[i] != ";" { type.unicodeScalars.append(scalars[i]); i += 1 }
        var params: [String: String] = [:]
        while i < scalars.count {
            i += 1  // skip ';'
            while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
            var name = ""
            while i < scalars.count, scalars[i] != "=", scalars[i] != ";" { name.unicodeScalars.append(scalars[i]); i += 1 }
            guard i < scalars.count, scalars[i] == "=" else { continue }
            i += 1
            var val = ""
            if i < scalars.count, scalars[i] == "\"" {
                i += 1
                while i < scalars.count, scalars[i] != "\"" {
                    if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                    val.unicodeScalars.append(scalars[i])
                    i += 1
                }
                i += 1
                while i < scalars.count, scalars[i] != ";" { i += 1 }
            } else {
                while i < scalars.count, scalars[i] != ";" { val.unicodeScalars.append(scalars[i]); i += 1 }
                val = val.trimmingCharacters(in: .whitespaces)
            }
            params[name.trimmingCharacters(in: .whitespaces).lowercased()] = val
        }
        return (type.trimmingCharacters(in: .whitespaces), params)
    }

    /// RFC 5987 `UTF-8''percent%20encoded`.
    private static func decodeExtended(_ value: String) -> String? {
        let pieces = value.components(separatedBy: "'")
        guard pieces.count == 3 else { return nil }
        return pieces[2].removingPercentEncoding
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, hay.count - start >= needle.count else { return nil }
        // Foundation's search is far faster than a Swift loop in debug builds, where tests run.
        return hay.withUnsafeBufferPointer { h in
            let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: h.baseAddress!), count: h.count, deallocator: .none)
            return data.range(of: Data(needle), in: start..<h.count)?.lowerBound
        }
    }
}

/// Image type by magic bytes.
enum ImageKind: String, Sendable {
    case png, jpeg, gif, webp

    init?(sniffing b: [UInt8]) {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if b.starts(with: [0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { self = .gif }
        else if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { self = .webp }
        else { return nil }
    }

    var mimeType: String { "image/\(rawValue)" }
    var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}
