import Support
import ProfileYAML

/// `include:` and `select:` (docs/shared-settings.md), with the same file:line:col findings as
/// the rest of the format. An include is decoded here, offline, so `validate` checks it.
extension Decoding {
    /// `select: all` or `select: {tag: NAME}`.
    mutating func decodeSelector(_ node: YAMLNode) -> Selector? {
        guard !node.isPreReported else { return nil }
        let form = "expected all or a mapping {tag: NAME}"
        if case .string(let text)? = node.resolved {
            if text == "all" { return Selector(.all, line: node.start.line, column: node.start.column) }
            error("\(form) (got '\(text.truncatedForMessage)')", at: node.start, path: "select",
                  notes: ["select: all applies to every active person; select: {tag: Backend} to everyone tagged Backend"])
            return nil
        }
        guard let entries = node.mapping else {
            error("\(form) (got \(node.describedForMessage))", at: node.start, path: "select")
            return nil
        }
        var tag: String?
        for entry in entries {
            guard let key = keyName(entry.key, parentPath: "select") else { continue }
            guard key == "tag" else {
                unknownKey(key, at: entry.key.start, path: "select", known: ["tag"])
                continue
            }
            if let text = string(entry.value, path: "select.tag") {
                if text.isEmpty { error("must not be empty", at: entry.value.start, path: "select.tag") } else { tag = text }
            }
        }
        if tag == nil, !entries.contains(where: { $0.key.scalar?.value == "tag" }) {
            error("required key is missing", at: node.start, path: "select.tag", notes: ["the tag as Pachca shows it, e.g. {tag: Backend}"])
        }
        return tag.map { Selector(.tag($0), line: node.start.line, column: node.start.column) }
    }

    /// Every file `include:` names, decoded as an include, with the item that names it.
    mutating func decodeIncludes(_ entry: YAMLMappingEntry) -> [(desired: DesiredState, item: YAMLNode)] {
        let node = entry.value
        guard !node.isPreReported else { return [] }
        guard let items = node.sequence else {
            error("expected a list of paths such as [../shared/working-hours.yaml] (got \(node.describedForMessage))",
                  at: node.start, path: "include")
            return []
        }
        var out: [(desired: DesiredState, item: YAMLNode)] = []
        var named = Set<String>()
        let me = Self.lexical(file)
        for (index, item) in items.enumerated() {
            let path = "include[\(index)]"
            guard let text = string(item, path: path) else { continue }
            guard !text.isEmpty else {
                error("must not be empty", at: item.start, path: path)
                continue
            }
            let resolved = DesiredStateDecoder.resolve(path: text, relativeTo: file)
            includedFiles.append(resolved)
            let shown = resolved.pathForMessage
            if Self.lexical(resolved) == me {
                error("include cycle: the file includes itself", at: item.start, path: path)
                continue
            }
            guard named.insert(Self.lexical(resolved)).inserted else {
                error("\(shown) is already included", at: item.start, path: path)
                continue
            }
            let limit = DesiredStateDecoder.maxFileBytes
            switch includeFiles.readFile(atPath: resolved, maxBytes: limit) {
            case .contents(let bytes):
                var sub = Decoding(file: resolved, now: now, files: files, zones: zones, includes: includeFiles, role: .included)
                let state = sub.decodeDocument(bytes)
                diagnostics += sub.diagnostics
                for held in sub.forbidden {
                    let key = held.key.scalar?.value ?? ""
                    if key == "include", Self.namesBack(held.value, from: resolved, to: me) {
                        error("include cycle: \(shown) includes this file back", at: item.start, path: path,
                              notes: ["included files do not include others"])
                    } else {
                        error("\(shown) holds '\(key)' (line \(held.key.start.line)); an included file has no user, select or include",
                              at: item.start, path: path,
                              notes: ["user and select belong to the file that includes it; included files do not include others"])
                    }
                }
                if !sub.diagnostics.hasErrors, sub.forbidden.isEmpty { out.append((state, item)) }
            case .notFound:
                error("included file not found (\(shown))", at: item.start, path: path,
                      notes: ["the path is relative to this YAML file's directory"])
            case .notRegularFile:
                error("the included path is not a regular file (\(shown))", at: item.start, path: path)
            case .unreadable(let reason):
                error("cannot read the included file (\(shown): \(reason))", at: item.start, path: path)
            case .tooLarge(let size):
                error("the included file is too large: at most \(limit) bytes (got \(size))", at: item.start, path: path)
            }
        }
        return out
    }

    /// After the merge: weekly windows from an include need a zone from somewhere, and a
    /// group file's includes follow the group file's rules.
    mutating func checkIncluded(_ merged: DesiredState, _ included: [(desired: DesiredState, item: YAMLNode)]) {
        for (desired, item) in included {
            let shown = desired.file.pathForMessage
            if merged.schedule?.timezone == nil, desired.schedule?.windows.contains(where: \.isWeekly) ?? false {
                error("the weekly windows of \(shown) need a timezone", at: item.start, path: "include",
                      notes: ["set timezone in this file or in \(shown): an IANA name such as Europe/Moscow, or profile"])
            }
            guard merged.selector != nil else { continue }
            if merged.source(of: "avatar")?.file == desired.file {
                error("\(shown) sets avatar, and a group file never does (a picture is one person's own)", at: item.start,
                      path: "include")
            }
            if merged.source(of: "person")?.file == desired.file, let person = desired.person {
                for name in Self.personalFields(of: person) {
                    error("\(shown) sets person.\(name), and a group file never does", at: item.start, path: "include",
                          notes: ["names and phone numbers belong in each person's own file"])
                }
            }
        }
    }

    /// A `select:` file: never `user:`, `avatar`, names or a phone number.
    mutating func checkGroupFile(_ state: DesiredState, seen: [String: YAMLMappingEntry]) {
        if let user = seen["user"] {
            error("a file has either user or select, not both", at: user.key.start, path: "user",
                  notes: ["a group file applies to everyone it selects; a person's own file names them with user"])
        }
        if let avatar = seen["avatar"] {
            error("a group file never sets avatar (a picture is one person's own)", at: avatar.key.start, path: "avatar")
        }
        for entry in seen["person"]?.value.mapping ?? [] {
            guard let key = entry.key.scalar?.value, SharedSettings.personalPersonFields.contains(key) else { continue }
            error("a group file never sets names or the phone number", at: entry.key.start, path: "person.\(key)",
                  notes: ["names and phone numbers belong in each person's own file"])
        }
    }

    static func personalFields(of person: DesiredPerson) -> [String] {
        [("first_name", person.firstName), ("last_name", person.lastName), ("phone_number", person.phoneNumber)]
            .compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// Whether an included file's own `include:` names `target` (a cycle back).
    static func namesBack(_ node: YAMLNode, from includedFile: String, to target: String) -> Bool {
        (node.sequence ?? [node]).contains { item in
            guard case .string(let text)? = item.resolved else { return false }
            return lexical(DesiredStateDecoder.resolve(path: text, relativeTo: includedFile)) == target
        }
    }

    /// A path with `.` dropped and `..` folded into its parent, for telling two names of one
    /// file apart from two files (never for opening: `..` after a symlink goes elsewhere).
    static func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
