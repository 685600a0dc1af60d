internal import CYaml

/// Reads one YAML document into a `YAMLNode` tree with marks, through libyaml's event API.
/// Pure: bytes in, tree and errors out. Every libyaml object is freed on every path.
public enum YAMLReader {
    public static func read(_ input: [UInt8]) -> YAMLDocument {
        if input.count > YAMLLimits.maxFileBytes {
            return YAMLDocument(root: nil, errors: [YAMLError(
                kind: .tooLarge,
                message: "file is too large: at most \(YAMLLimits.maxFileBytes) bytes (got \(input.count))",
                mark: .wholeFile)])
        }
        // Strip a UTF-8 BOM ourselves: when libyaml skips it, it counts it as a column.
        let bytes = Array(input.starts(with: [0xEF, 0xBB, 0xBF]) ? input.dropFirst(3) : input[...])
        if let bad = UTF8Check.firstInvalidOffset(bytes) {
            return YAMLDocument(root: nil, errors: [YAMLError(
                kind: .invalidUTF8,
                message: "invalid UTF-8 (byte 0x\(hex(bytes[bad])) at offset \(bad + input.count - bytes.count))",
                mark: UTF8Check.mark(atByteOffset: bad, in: bytes))])
        }
        if bytes.isEmpty { return YAMLDocument(root: nil, errors: []) }

        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return YAMLDocument(root: nil, errors: [YAMLError(kind: .internalError, message: "cannot initialize the YAML parser", mark: .wholeFile)])
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(bytes: bytes)
            builder.run(&parser)
            return YAMLDocument(root: builder.root, errors: builder.errors)
        }
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }

    /// Convenience for tests and tools: UTF-8 text in.
    public static func read(_ text: String) -> YAMLDocument { read(Array(text.utf8)) }
}

/// The pull loop: one libyaml event at a time, kept on an explicit stack (no recursion,
/// so depth costs no native stack).
private struct TreeBuilder {
    let bytes: [UInt8]
    var root: YAMLNode?
    var errors: [YAMLError] = []

    private struct Frame {
        enum Kind { case mapping, sequence }
        var kind: Kind
        var start: Mark
        var tag: YAMLTag
        var anchor: String?
        var entries: [YAMLMappingEntry] = []
        var items: [YAMLNode] = []
        var pendingKey: YAMLNode?
        /// Scalar keys seen so far, with the first one's mark, to refuse duplicates.
        var seenKeys: [String: Mark] = [:]
        /// When the pending key is a duplicate, its value is read and then dropped.
        var dropPendingValue = false
        var size = 1
    }

    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var openAnchors: Set<String> = []
    private var nodeCount = 0
    private var documents = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func run(_ parser: inout yaml_parser_t) {
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                errors.append(parserError(parser))
                root = nil
                return
            }
            let keepGoing = handle(event)
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if !keepGoing { root = nil; return }
            if done { return }
        }
    }

    /// Returns false when a fatal error stops the read.
    private mutating func handle(_ event: yaml_event_t) -> Bool {
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                errors.append(YAMLError(kind: .multipleDocuments,
                                        message: "more than one YAML document in the file (this is document \(documents))",
                                        mark: start, notes: ["a desired-state file holds exactly one document; remove the extra '---'"]))
                return false
            }
            anchors = [:]
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let tag = YAMLTag(string(s.tag))
            let node = YAMLNode(content: .scalar(YAMLScalar(value: string(s.value, length: s.length) ?? "", style: style(s.style))),
                                start: start, end: end, tag: tag, anchor: string(s.anchor))
            checkTag(tag, allowed: [.str, .int, .bool, .null, .float], at: start)
            return complete(node, size: 1)
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                let why = openAnchors.contains(name) ? "alias '*\(name)' refers to a node that contains it" : "undefined alias '*\(name)'"
                errors.append(YAMLError(kind: .undefinedAlias, message: why, mark: start))
                return false
            }
            var node = target.node
            node.start = start; node.end = end; node.isAlias = true; node.anchor = nil
            return complete(node, size: target.size, viaAlias: true)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let tag = YAMLTag(string(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag))
            let anchor = string(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
            checkTag(tag, allowed: [isMapping ? .map : .seq], at: start)
            if stack.count >= YAMLLimits.maxDepth {
                errors.append(YAMLError(kind: .tooDeep, message: "nesting is too deep: at most \(YAMLLimits.maxDepth) levels", mark: start))
                return false
            }
            if let anchor { openAnchors.insert(anchor) }
            stack.append(Frame(kind: isMapping ? .mapping : .sequence, start: start, tag: tag, anchor: anchor))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else {
                errors.append(YAMLError(kind: .internalError, message: "unbalanced collection end", mark: start))
                return false
            }
            if let anchor = frame.anchor { openAnchors.remove(anchor) }
            let content: YAMLNode.Content = frame.kind == .mapping ? .mapping(frame.entries) : .sequence(frame.items)
            return complete(YAMLNode(content: content, start: frame.start, end: end, tag: frame.tag, anchor: frame.anchor), size: frame.size)
        default:
            break  // stream start/end, document end: nothing to build
        }
        return true
    }

    /// Attaches a finished node to its parent (or makes it the root). `size` counts the nodes
    /// it stands for. A collection's children were counted as they completed, so it costs 1;
    /// an alias costs everything it expands to.
    private mutating func complete(_ node: YAMLNode, size: Int, viaAlias: Bool = false) -> Bool {
        nodeCount += viaAlias ? size : 1
        if nodeCount > YAMLLimits.maxNodes {
            let message = viaAlias
                ? "alias expansion is too large: more than \(YAMLLimits.maxNodes) nodes in total"
                : "too many nodes: at most \(YAMLLimits.maxNodes)"
            errors.append(YAMLError(kind: .tooManyNodes, message: message, mark: node.start))
            return false
        }
        if let anchor = node.anchor, !node.isAlias { anchors[anchor] = (node, size) }
        guard !stack.isEmpty else { root = node; return true }
        let top = stack.count - 1
        stack[top].size += size
        switch stack[top].kind {
        case .sequence:
            stack[top].items.append(node)
        case .mapping:
            guard let key = stack[top].pendingKey else {
                // A key: refuse a duplicate now, at the duplicate's own mark.
                if let text = node.scalar?.value {
                    if let first = stack[top].seenKeys[text] {
                        errors.append(YAMLError(kind: .duplicateKey, message: "duplicate key '\(InertText.excerpt(text))'", mark: node.start,
                                                notes: ["first defined at line \(first.line), column \(first.column)"]))
                        stack[top].dropPendingValue = true
                    } else {
                        stack[top].seenKeys[text] = node.start
                    }
                }
                stack[top].pendingKey = node
                return true
            }
            if !stack[top].dropPendingValue { stack[top].entries.append(YAMLMappingEntry(key: key, value: node)) }
            stack[top].pendingKey = nil
            stack[top].dropPendingValue = false
        }
        return true
    }

    private mutating func checkTag(_ tag: YAMLTag, allowed: Set<YAMLTag.CoreTag>, at mark: Mark) {
        switch tag {
        case .none, .nonSpecific: return
        case .core(let t) where allowed.contains(t): return
        default:
            errors.append(YAMLError(kind: .unsupportedTag, message: "unsupported tag '\(InertText.excerpt(tag.displayName))'", mark: mark,
                                    notes: ["this format uses plain YAML values; remove the tag"]))
        }
    }

    private func parserError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = string(parser.problem) ?? "invalid YAML"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(kind: .internalError, message: "out of memory while reading YAML", mark: .wholeFile)
        case YAML_READER_ERROR:
            // The reader knows only a byte offset: derive the line and column from it.
            let offset = min(Int(parser.problem_offset), bytes.count)
            return YAMLError(kind: .syntax, message: problem, mark: UTF8Check.mark(atByteOffset: offset, in: bytes))
        default:
            var notes: [String] = []
            if let context = string(parser.context) {
                let c = mark(parser.context_mark)
                notes.append("\(context) at line \(c.line), column \(c.column)")
            }
            return YAMLError(kind: .syntax, message: problem, mark: mark(parser.problem_mark), notes: notes)
        }
    }

    private func mark(_ m: yaml_mark_t) -> Mark {
        Mark(line: Int(m.line) + 1, column: Int(m.column) + 1, offset: Int(m.index))
    }

    private func style(_ s: yaml_scalar_style_t) -> ScalarStyle {
        switch s {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private func string(_ p: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
        guard let p else { return nil }
        let count = length ?? strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    private func string(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }
}

/// libyaml reports invalid UTF-8 only as a byte offset; this finds it first and turns an
/// offset into a line and a code-point column.
enum UTF8Check {
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            let minScalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minScalar = 0x80
            case 0xE0...0xEF: length = 3; minScalar = 0x800
            case 0xF0...0xF4: length = 4; minScalar = 0x10000
            default: return i
            }
            guard i + length <= n else { return i }
            var scalar = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += length
        }
        return nil
    }

    static func mark(atByteOffset offset: Int, in bytes: [UInt8]) -> Mark {
        var line = 1
        var column = 1
        var i = 0
        while i < offset && i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                line += 1; column = 1
            } else if b == 0x0D {
                // CR LF counts once; a lone CR is a line break too (as in libyaml).
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A {} else { line += 1; column = 1 }
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return Mark(line: line, column: column, offset: offset)
    }
}
