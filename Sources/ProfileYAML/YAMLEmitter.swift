internal import CYaml

/// A value to write as YAML. Strings are always quoted (libyaml picks the quoting and escapes
/// what it must), so no text, however it looks (`null`, `true`, `#`, `: `, a newline), can be
/// read back as anything but the same string. `plain` is for our own scalars (`true`, `1`,
/// a timestamp), written unquoted.
public indirect enum YAMLEmitValue: Sendable, Equatable {
    case string(String)
    case plain(String)
    case null
    case mapping([YAMLEmitPair])
    /// A flow sequence (`[a, b]`).
    case sequence([YAMLEmitValue])
}

public struct YAMLEmitPair: Sendable, Equatable {
    public var key: String
    public var value: YAMLEmitValue
    public init(_ key: String, _ value: YAMLEmitValue) { self.key = key; self.value = value }
}

public struct YAMLEmitError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Writes one YAML document through libyaml's emitter: the same library the loader reads
/// with, so quoting is right by construction, not by our own escaping rules.
public enum YAMLEmitter {
    /// `comments` become `# …` lines before the document, each sanitized to one line of
    /// printable characters (see `commentLine`).
    public static func emit(_ root: YAMLEmitValue, comments: [String] = []) throws -> String {
        let sink = EmitterOutput()
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw YAMLEmitError(description: "cannot initialize the YAML emitter") }
        defer { yaml_emitter_delete(&emitter) }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(&emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            Unmanaged<EmitterOutput>.fromOpaque(data).takeUnretainedValue()
                .bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, context)
        yaml_emitter_set_unicode(&emitter, 1)  // keep Cyrillic and emoji readable (see writingAstral)
        yaml_emitter_set_width(&emitter, -1)   // never fold a long line
        yaml_emitter_set_indent(&emitter, 2)

        var writer = EventWriter(emitter: &emitter)
        try writer.run(root)
        let body = escapingInvisible(writingAstral(String(decoding: sink.bytes, as: UTF8.self)))
        return comments.map(commentLine).map { $0 + "\n" }.joined() + body
    }

    /// Even in unicode mode libyaml 0.2.5 counts only 1- to 3-byte UTF-8 as printable, so it
    /// writes every character outside the Basic Multilingual Plane — most emoji — as a
    /// `\UXXXXXXXX` escape. Such escapes stand only inside our double-quoted scalars; each is
    /// turned back into its character (a `\\` pair is an escaped backslash, skipped whole).
    /// `escapingInvisible` then escapes again the few that must stay visible as escapes.
    static func writingAstral(_ yaml: String) -> String {
        guard yaml.utf8.contains(UInt8(ascii: "\\")) else { return yaml }
        let scalars = Array(yaml.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            guard s == "\\", i + 1 < scalars.count else { out.append(s); i += 1; continue }
            if scalars[i + 1] == "U", i + 10 <= scalars.count,
               let value = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 10)])), radix: 16),
               scalars[(i + 2)..<(i + 10)].allSatisfy({ $0.properties.isASCIIHexDigit }),
               value > 0xFFFF, let decoded = Unicode.Scalar(value) {
                out.append(decoded)
                i += 10
            } else {
                out.append(s)
                out.append(scalars[i + 1])
                i += 2
            }
        }
        return String(out)
    }

    /// libyaml writes bidi controls and other invisible format characters as they are (YAML
    /// counts them printable). Every such character can only be inside one of our
    /// double-quoted scalars (keys and plain values are ours), where `\uXXXX` is a valid
    /// escape: written so, the file reads back the same and shows nothing hidden.
    static func escapingInvisible(_ yaml: String) -> String {
        guard yaml.unicodeScalars.contains(where: { !InertText.isInert($0) && $0 != "\n" }) else { return yaml }
        var out = String.UnicodeScalarView()
        for scalar in yaml.unicodeScalars {
            if InertText.isInert(scalar) || scalar == "\n" { out.append(scalar); continue }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let escape = scalar.value > 0xFFFF
                ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    /// `# ` and the text on one line: line breaks, controls, bidi and other invisible format
    /// characters are shown as `\uXXXX` escapes (`InertText`), so server text in a comment can
    /// neither end the comment nor hide what follows.
    public static func commentLine(_ text: String) -> String { "# " + InertText.line(text) }
}

private final class EmitterOutput {
    var bytes: [UInt8] = []
}

/// Feeds events to the emitter. libyaml takes ownership of each event, even on failure.
private struct EventWriter {
    var emitter: UnsafeMutablePointer<yaml_emitter_t>

    init(emitter: UnsafeMutablePointer<yaml_emitter_t>) { self.emitter = emitter }

    mutating func run(_ root: YAMLEmitValue) throws {
        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        try emit(&event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        try emit(&event)
        try value(root)
        yaml_document_end_event_initialize(&event, 1)
        try emit(&event)
        yaml_stream_end_event_initialize(&event)
        try emit(&event)
        guard yaml_emitter_flush(emitter) == 1 else { throw failure() }
    }

    mutating func value(_ value: YAMLEmitValue) throws {
        var event = yaml_event_t()
        switch value {
        case .string(let text):
            // Not plain-implicit: libyaml must quote it; double quotes keep one value on one line.
            try scalar(text, plainImplicit: false, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        case .plain(let text):
            try scalar(text, plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
        case .null:
            try scalar("null", plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
        case .mapping(let pairs):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE)
            try emit(&event)
            for pair in pairs {
                try scalar(pair.key, plainImplicit: true, style: YAML_ANY_SCALAR_STYLE)
                try self.value(pair.value)
            }
            yaml_mapping_end_event_initialize(&event)
            try emit(&event)
        case .sequence(let items):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_FLOW_SEQUENCE_STYLE)
            try emit(&event)
            for item in items { try self.value(item) }
            yaml_sequence_end_event_initialize(&event)
            try emit(&event)
        }
    }

    mutating func scalar(_ text: String, plainImplicit: Bool, style: yaml_scalar_style_t) throws {
        var event = yaml_event_t()
        // NUL-terminated so an empty string still has a valid pointer; the length excludes it.
        var bytes = Array(text.utf8) + [0]
        let ok = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_scalar_event_initialize(&event, nil, nil, buffer.baseAddress, Int32(buffer.count - 1),
                                         plainImplicit ? 1 : 0, 1, style)
        }
        guard ok == 1 else { throw failure() }
        try emit(&event)
    }

    mutating func emit(_ event: inout yaml_event_t) throws {
        guard yaml_emitter_emit(emitter, &event) == 1 else { throw failure() }
    }

    func failure() -> YAMLEmitError {
        let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown problem"
        return YAMLEmitError(description: "YAML emitter: \(problem)")
    }
}
