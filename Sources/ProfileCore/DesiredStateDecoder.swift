import Support
import ProfileYAML

/// The outcome of decoding one file: the desired state (nil iff any error) and every finding.
public struct DecodeResult: Sendable, Equatable {
    public var desired: DesiredState?
    public var diagnostics: [Diagnostic]
    /// Every file `include:` names (resolved against the file's directory), even when invalid:
    /// a run treats them as shared settings, not as profiles.
    public var includes: [String] = []
    public init(desired: DesiredState?, diagnostics: [Diagnostic], includes: [String] = []) {
        self.desired = desired; self.diagnostics = diagnostics; self.includes = includes
    }
    public var isValid: Bool { desired != nil }
}

/// YAML bytes → `DesiredState`, in one pass that collects every error.
/// Pure: files come through `FileReading`, the clock through `now`.
public struct DesiredStateDecoder {
    public static let maxFileBytes = YAMLLimits.maxFileBytes
    /// Avatars are uploaded whole; 10 MiB is well above any sensible profile picture.
    public static let maxAvatarBytes = 10 << 20
    public static let maxTitleLength = 50
    public static let maxAwayMessageLength = 1024

    public static let topLevelKeys = ["version", "user", "select", "include", "status", "avatar", "person", "timezone", "schedule",
                                      "on_manual_change"]
    public static let statusKeys = ["emoji", "title", "is_away", "away_message", "expires_at"]

    /// Reads `file` through `files` (bounded by `maxFileBytes`), then decodes it. `includes`
    /// reads the files `include:` names (the edge confines them to the repository); `included`:
    /// decode the file as another file's include (no `user:`, `select:` or `include:`).
    public static func decode(file: String, now: Date, files: any FileReading,
                              zones: any TimeZoneSource = NoTimeZones(), includes: (any FileReading)? = nil,
                              included: Bool = false) -> DecodeResult {
        switch files.readFile(atPath: file, maxBytes: maxFileBytes) {
        case .contents(let bytes):
            return decode(file: file, bytes: bytes, now: now, files: files, zones: zones, includes: includes, included: included)
        case let failure:
            let message = switch failure {
            case .notFound: "cannot read the file: no such file"
            case .notRegularFile: "cannot read the file: not a regular file"
            case .unreadable(let reason): "cannot read the file: \(reason)"
            case .tooLarge(let size): "file is too large: at most \(maxFileBytes) bytes (got \(size))"
            case .contents: ""
            }
            return DecodeResult(desired: nil, diagnostics: [Diagnostic(severity: .error, file: file, line: 0, column: 0, message: message)])
        }
    }

    public static func decode(file: String, bytes: [UInt8], now: Date, files: any FileReading,
                              zones: any TimeZoneSource = NoTimeZones(), includes: (any FileReading)? = nil,
                              included: Bool = false) -> DecodeResult {
        var d = Decoding(file: file, now: now, files: files, zones: zones, includes: includes ?? files,
                         role: included ? .included : .profile)
        let state = d.decodeDocument(bytes)
        let diagnostics = d.diagnostics.sortedByPosition()
        return DecodeResult(desired: diagnostics.hasErrors ? nil : state, diagnostics: diagnostics, includes: d.includedFiles)
    }

    /// `avatar:` is relative to the YAML file's directory, not to the working directory.
    /// `.` components are dropped; `..` is kept (collapsing it would be wrong across symlinks).
    public static func resolve(avatarPath path: String, relativeTo file: String) -> String {
        resolve(path: path, relativeTo: file)
    }

    /// A path written in `file` (an avatar, an include), against the file's directory.
    public static func resolve(path: String, relativeTo file: String) -> String {
        let joined: String
        if path.hasPrefix("/") {
            joined = path
        } else if let slash = file.lastIndex(of: "/") {
            joined = String(file[...slash]) + path
        } else {
            joined = path
        }
        let parts = joined.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let body = parts.joined(separator: "/")
        if joined.hasPrefix("/") { return "/" + body }
        return body.isEmpty ? "." : body
    }
}

/// One decoding run's working state.
struct Decoding {
    let file: String
    let now: Date
    let files: any FileReading
    let zones: any TimeZoneSource
    /// Reads the files `include:` names.
    let includeFiles: any FileReading
    let role: Role
    var diagnostics: [Diagnostic] = []
    /// Each timestamp as written in the file, by its canonical UTC form (for display).
    var writtenTimestamps: [String: String] = [:]
    /// Where each top-level key is written in this file.
    var sources: [String: SourceRef] = [:]
    /// An include names a time zone, so this file's weekly windows have one.
    var inheritedZone = false
    /// In an included file: the keys only a profile file may hold (reported by the includer).
    var forbidden: [YAMLMappingEntry] = []
    /// Every path `include:` names, resolved, valid or not.
    var includedFiles: [String] = []

    enum Role { case profile, included }

    init(file: String, now: Date, files: any FileReading, zones: any TimeZoneSource,
         includes: (any FileReading)? = nil, role: Role = .profile) {
        self.file = file; self.now = now; self.files = files; self.zones = zones
        self.includeFiles = includes ?? files; self.role = role
    }

    /// The whole file: YAML, tokens refused, then the root.
    mutating func decodeDocument(_ bytes: [UInt8]) -> DesiredState {
        let document = YAMLReader.read(bytes)
        for e in document.errors { error(e.message, at: e.mark, notes: e.notes) }
        var state = DesiredState(file: file)
        if let root = document.root {
            rejectTokens(in: root, path: "")
            state = decodeRoot(root)
            state.timestampsAsWritten = state.timestampsAsWritten.merging(writtenTimestamps.isEmpty ? nil : writtenTimestamps)
        } else if document.errors.isEmpty, role == .profile {
            warnNothingManaged()
        }
        return state
    }

    // MARK: findings

    mutating func error(_ message: String, at mark: Mark, path: String = "", notes: [String] = []) {
        diagnostics.append(Diagnostic(severity: .error, file: file, line: mark.line, column: mark.column, path: path,
                                      message: message, notes: notes))
    }

    mutating func warning(_ message: String, at mark: Mark, path: String = "", notes: [String] = []) {
        diagnostics.append(Diagnostic(severity: .warning, file: file, line: mark.line, column: mark.column, path: path,
                                      message: message, notes: notes))
    }

    mutating func warnNothingManaged() {
        warning("nothing is managed: the file sets neither status nor avatar", at: .wholeFile)
    }

    // MARK: document

    mutating func decodeRoot(_ root: YAMLNode) -> DesiredState {
        var state = DesiredState(file: file)
        if root.resolved == .null, !root.isPreReported {
            warnNothingManaged()
            return state
        }
        guard let entries = root.mapping else {
            if !root.isPreReported {
                // The kind only: a file that is not a profile (a walked `*.yaml` of secrets) is never quoted.
                error("expected a mapping with the keys version, status, avatar (got \(root.kindName))", at: root.start)
            }
            return state
        }
        var timeKeys: [String: YAMLMappingEntry] = [:]
        var seen: [String: YAMLMappingEntry] = [:]
        for entry in entries {
            guard let key = keyName(entry.key, parentPath: "") else { continue }
            seen[key] = entry
            if SharedSettings.keys.contains(key) { sources[key] = SourceRef(file: file, line: entry.key.start.line) }
            if role == .included, ["user", "select", "include"].contains(key) {
                forbidden.append(entry)
                continue
            }
            switch key {
            case "version": checkVersion(entry.value)
            case "status": state.status = decodeStatus(entry.value, key: entry.key)
            case "avatar": state.avatar = decodeAvatar(entry.value)
            case "user": state.user = decodeUser(entry.value)
            case "select": state.selector = decodeSelector(entry.value)
            case "include": break
            case "person": state.person = decodePerson(entry.value)
            case "timezone", "schedule", "on_manual_change": timeKeys[key] = entry
            default: unknownKey(key, at: entry.key.start, path: "", known: DesiredStateDecoder.topLevelKeys)
            }
        }
        state.sources = sources
        // Before the windows: an include may give them their zone.
        let included = role == .profile ? seen["include"].map { decodeIncludes($0) } ?? [] : []
        inheritedZone = included.contains { $0.desired.schedule?.timezone != nil }
        // After the loop: windows need the zone, whatever order the keys came in.
        if !timeKeys.isEmpty { state.schedule = decodeSchedule(timeKeys) }
        if !included.isEmpty {
            state = SharedSettings.including(state, included.map(\.desired))
            state.includes = included.map(\.desired.file)
            checkIncluded(state, included)
        }
        if state.selector != nil { checkGroupFile(state, seen: seen) }
        let hasWindows = !(state.schedule?.windows.isEmpty ?? true)
        if role == .profile, !state.status.isManaged, !state.avatar.isManaged, !hasWindows, state.person == nil,
           !diagnostics.hasErrors { warnNothingManaged() }
        return state
    }

    /// A key's text, or nil (after an error) when the key is not a plain string.
    mutating func keyName(_ key: YAMLNode, parentPath: String) -> String? {
        guard let scalar = key.scalar, !key.isPreReported else {
            if !key.isPreReported {
                error("a key must be a plain string (got \(key.kindName))", at: key.start, path: parentPath)
            }
            return nil
        }
        return scalar.value
    }

    mutating func unknownKey(_ key: String, at mark: Mark, path parent: String, known: [String]) {
        if TokenKey.matches(key) { return }  // already refused, with better advice, by rejectTokens
        // The key is the user's text: its path and message carry an escaped excerpt, never all of it.
        let shown = key.truncatedForMessage
        let path = parent.isEmpty ? shown : "\(parent).\(shown)"
        let hint = Suggest.nearest(to: key, among: known).map { "did you mean '\($0)'?" }
            ?? "known keys: \(known.joined(separator: ", "))"
        error("unknown key", at: mark, path: path, notes: [hint])
    }

    /// A `token` key at any depth is refused: secrets do not belong in git.
    mutating func rejectTokens(in node: YAMLNode, path: String) {
        switch node.content {
        case .scalar: return
        case .sequence(let items):
            for (i, item) in items.enumerated() { rejectTokens(in: item, path: "\(path)[\(i)]") }
        case .mapping(let entries):
            for entry in entries {
                let name = entry.key.scalar?.value
                let childPath = name.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path
                if let name, TokenKey.matches(name) {
                    error("a token does not belong in this file (secrets must not be committed to git)", at: entry.key.start,
                          path: childPath, notes: ["remove this key and set the PACHCA_TOKEN environment variable (or use --token-file)"])
                }
                rejectTokens(in: entry.key, path: childPath)
                rejectTokens(in: entry.value, path: childPath)
            }
        }
    }

    // MARK: fields

    /// `user:`: an email, a nickname or a numeric id; only its form is checked here.
    mutating func decodeUser(_ node: YAMLNode) -> UserReference? {
        guard !node.isPreReported else { return nil }
        let parsed: Result<UserReference, UserReference.FormError>
        switch node.resolved {
        case .int(let n): parsed = UserReference.id(String(n))
        case .string(let s): parsed = UserReference.parse(s)
        case .null:
            error("expected \(UserReference.expectedForm) (got null)", at: node.start, path: "user",
                  notes: ["omit `user:` for the token owner's own profile"])
            return nil
        default:
            error("expected \(UserReference.expectedForm) (got \(node.describedForMessage))", at: node.start, path: "user")
            return nil
        }
        switch parsed {
        case .success(var ref):
            ref.line = node.start.line
            ref.column = node.start.column
            return ref
        case .failure(let failure):
            error(failure.message, at: node.start, path: "user")
            return nil
        }
    }

    mutating func checkVersion(_ node: YAMLNode) {
        guard !node.isPreReported else { return }
        switch node.resolved {
        case .int(1): return
        case .int(let v): error("unsupported version (got \(v)); the only version is 1", at: node.start, path: "version")
        default: error("expected the integer 1 (got \(node.describedForMessage))", at: node.start, path: "version")
        }
    }

    /// A status mapping at `path`: the top-level `status`, or a window's `schedule[i].status`.
    mutating func decodeStatus(_ node: YAMLNode, key: YAMLNode, path statusPath: String = "status") -> Managed<StatusFields> {
        if node.isPreReported { return .unmanaged }
        if node.resolved == .null { return .none }
        guard let entries = node.mapping else {
            error("expected a mapping or null (got \(node.describedForMessage))", at: node.start, path: statusPath)
            return .unmanaged
        }
        var emoji: String?, title: String?, isAway: Bool?, awayMessage: String?, expiresAt: Date?
        var seen: [String: YAMLNode] = [:]
        for entry in entries {
            guard let key = keyName(entry.key, parentPath: statusPath) else { continue }
            let v = entry.value
            let path = "\(statusPath).\(key)"
            switch key {
            case "emoji":
                seen[key] = v
                if let text = string(v, path: path) { emoji = checkEmoji(text, node: v, path: path) }
            case "title":
                seen[key] = v
                if let text = string(v, path: path) { title = checkLength(text, node: v, path: path, min: 1, max: DesiredStateDecoder.maxTitleLength) }
            case "is_away":
                seen[key] = v
                isAway = bool(v, path: path)
            case "away_message":
                seen[key] = v
                if v.resolved == .null, !v.isPreReported { break }
                if let text = string(v, path: path) { awayMessage = checkLength(text, node: v, path: path, min: 0, max: DesiredStateDecoder.maxAwayMessageLength) }
            case "expires_at":
                seen[key] = v
                expiresAt = timestamp(v, path: path)
            default:
                unknownKey(key, at: entry.key.start, path: statusPath, known: DesiredStateDecoder.statusKeys)
            }
        }
        for required in ["emoji", "title"] where seen[required] == nil {
            // At the `status` key: the mapping's own start is the first key's position.
            error("required key is missing", at: key.start, path: "\(statusPath).\(required)",
                  notes: ["a status needs both emoji and title; write 'status: null' for no status"])
        }
        if let messageNode = seen["away_message"], let text = awayMessage, !text.isEmpty, isAway != true {
            warning("has no effect unless is_away is true", at: messageNode.start, path: "\(statusPath).away_message")
        }
        if let date = expiresAt, date <= now, let at = seen["expires_at"] {
            warning("already in the past (\(Timestamp.canonical(date))); the status will be treated as none", at: at.start,
                    path: "\(statusPath).expires_at")
        }
        guard let emoji, let title else { return .unmanaged }
        return .value(StatusFields(emoji: emoji, title: title, isAway: isAway ?? false, awayMessage: awayMessage, expiresAt: expiresAt))
    }

    mutating func decodeAvatar(_ node: YAMLNode) -> Managed<AvatarFile> {
        if node.isPreReported { return .unmanaged }
        if node.resolved == .null { return .none }
        guard let declared = string(node, path: "avatar") else { return .unmanaged }
        guard !declared.isEmpty else {
            error("must not be empty; write 'avatar: null' for no avatar", at: node.start, path: "avatar")
            return .unmanaged
        }
        let resolved = DesiredStateDecoder.resolve(avatarPath: declared, relativeTo: file)
        let shown = resolved.pathForMessage
        let limit = DesiredStateDecoder.maxAvatarBytes
        let bytes: [UInt8]
        switch files.readFile(atPath: resolved, maxBytes: limit) {
        case .contents(let b): bytes = b
        case .notFound:
            error("file not found (\(shown))", at: node.start, path: "avatar", notes: ["the path is relative to this YAML file's directory"])
            return .unmanaged
        case .notRegularFile:
            error("not a regular file (\(shown))", at: node.start, path: "avatar")
            return .unmanaged
        case .unreadable(let reason):
            error("cannot read the file (\(shown): \(reason))", at: node.start, path: "avatar")
            return .unmanaged
        case .tooLarge(let size):
            error("the image is too large: at most \(limit) bytes (got \(size))", at: node.start, path: "avatar")
            return .unmanaged
        }
        guard let format = ImageSniffer.format(of: bytes) else {
            let what = bytes.isEmpty ? "an empty file" : "unrecognized content"
            error("not a PNG, JPEG, GIF or WebP image (\(shown) is \(what))", at: node.start, path: "avatar",
                  notes: ["the format is decided by the file's bytes, not its name"])
            return .unmanaged
        }
        if let claimed = ImageSniffer.format(forExtensionOf: resolved), claimed != format {
            // The upload uses the real type, so this is only misleading, not fatal.
            warning("the file name says \(claimed.rawValue.uppercased()) but the content is \(format.rawValue.uppercased())",
                    at: node.start, path: "avatar")
        }
        return .value(AvatarFile(declaredPath: declared, resolvedPath: resolved, sha256: SHA256.hex(bytes),
                                 byteCount: bytes.count, format: format))
    }

    // MARK: typed values

    mutating func string(_ node: YAMLNode, path: String) -> String? {
        if node.isPreReported { return nil }
        if case .string(let s)? = node.resolved { return s }
        var notes: [String] = []
        if let raw = node.scalar?.value, node.resolved != .null {
            notes.append("quote it to make it text: \"\(raw)\"")
        }
        error("expected a string (got \(node.describedForMessage))", at: node.start, path: path, notes: notes)
        return nil
    }

    mutating func bool(_ node: YAMLNode, path: String) -> Bool? {
        if node.isPreReported { return nil }
        if case .bool(let b)? = node.resolved { return b }
        if let s = node.scalar {
            if s.style == .plain, YAML11.booleanWords.contains(s.value.lowercased()) {
                error("expected true or false (got '\(s.value.truncatedForMessage)')", at: node.start, path: path,
                      notes: ["YAML 1.1 words such as yes/no/on/off are not booleans here; write true or false"])
                return nil
            }
            if s.style != .plain, CoreBooleans.contains(s.value.lowercased()) {
                error("expected true or false (got the string \"\(s.value.truncatedForMessage)\")", at: node.start, path: path,
                      notes: ["a quoted value is a string; remove the quotes"])
                return nil
            }
        }
        error("expected true or false (got \(node.describedForMessage))", at: node.start, path: path)
        return nil
    }

    mutating func timestamp(_ node: YAMLNode, path: String) -> Date? {
        if node.isPreReported { return nil }
        if node.resolved == .null { return nil }
        guard let text = node.scalar?.value else {
            error("expected a timestamp such as \(Timestamp.expectedForm) (got \(node.kindName))", at: node.start, path: path)
            return nil
        }
        let form = Timestamp.expectedForm
        do {
            let date = try Timestamp.parse(text)
            writtenTimestamps[Timestamp.canonical(date)] = text
            return date
        } catch .bareDate {
            error("a date without a time and offset is ambiguous (got '\(text.truncatedForMessage)')", at: node.start, path: path,
                  notes: ["write a time and an offset, e.g. \(form) or \(text.truncatedForMessage)T23:59:59Z"])
        } catch .missingOffset {
            error("a time without an offset is ambiguous (got '\(text.truncatedForMessage)')", at: node.start, path: path,
                  notes: ["add an offset (Z or +03:00), e.g. \(form)"])
        } catch .outOfRange(let field) {
            error("not a valid timestamp: \(field) out of range (got '\(text.truncatedForMessage)')", at: node.start, path: path)
        } catch .outsideYears {
            error("not a valid timestamp: outside years 1 to 9999 in UTC (got '\(text.truncatedForMessage)')",
                  at: node.start, path: path, notes: ["the API writes times in UTC; choose an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"])
        } catch {
            self.error("not a timestamp (got '\(text.truncatedForMessage)')", at: node.start, path: path,
                       notes: ["expected the form \(form) (ISO-8601 with a time and an offset)"])
        }
        return nil
    }

    mutating func checkEmoji(_ text: String, node: YAMLNode, path: String) -> String? {
        if EmojiCheck.isSingleEmoji(text) { return text }
        var notes = ["write one emoji character, e.g. \"🏖️\""]
        if text.hasPrefix(":"), text.hasSuffix(":"), text.count > 2 {
            notes = ["shortcodes are not supported; write the emoji character itself, e.g. \"🙂\""]
        }
        let message = text.isEmpty ? "must not be empty" : "expected a single emoji (got '\(text.truncatedForMessage)')"
        error(message, at: node.start, path: path, notes: notes)
        return nil
    }

    /// Lengths count Unicode code points, as the Pachca server counts string length.
    mutating func checkLength(_ text: String, node: YAMLNode, path: String, min: Int, max: Int) -> String? {
        let length = text.unicodeScalars.count
        if length < min {
            error("must not be empty", at: node.start, path: path)
            return nil
        }
        if length > max {
            error("at most \(max) characters (got \(length))", at: node.start, path: path)
            return nil
        }
        return text
    }
}

private let CoreBooleans: Set<String> = ["true", "false"]

enum YAML11 {
    /// Booleans in YAML 1.1 but strings under the 1.2 core schema this format uses.
    static let booleanWords: Set<String> = ["yes", "no", "y", "n", "on", "off"]
}

enum TokenKey {
    static func matches(_ key: String) -> Bool {
        let k = key.lowercased()
        return k == "token" || k.hasSuffix("_token") || k.hasSuffix("-token")
    }
}

/// "Did you mean …?" for every misspelt name (keys, commands), under one bound.
public enum Suggest {
    /// Longer text gets no suggestion: the edit distance is quadratic in its length, and no
    /// name it could be mistyped from is longer.
    static let maxLength = 64

    /// The known name nearest to a misspelt one, if it is near enough to be a typo.
    public static func nearest(to key: String, among known: [String]) -> String? {
        guard key.unicodeScalars.count <= maxLength else { return nil }
        let lowered = key.lowercased().replacingScalars("-", with: "_")
        var best: (String, Int)?
        for candidate in known {
            let d = distance(Array(lowered.unicodeScalars), Array(candidate.unicodeScalars))
            if d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        if lowered.count >= 3, let prefixed = known.first(where: { $0.hasPrefix(lowered) || lowered.hasPrefix($0) }) {
            return prefixed
        }
        guard let (name, d) = best else { return nil }
        return d <= max(1, min(2, name.count / 3)) ? name : nil
    }

    /// Optimal string alignment distance: Levenshtein plus adjacent transpositions.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

extension YAMLNode {
    /// The reader already refused this node's tag; do not pile a type error on top.
    var isPreReported: Bool { if case .other = tag { true } else { false } }

    /// `integer 2024`, `string "abc"`, `mapping` — for "(got …)" evidence.
    var describedForMessage: String {
        guard let s = scalar else { return kindName }
        switch resolved {
        case .null: return "null"
        case .string(let text): return "string \"\(text.truncatedForMessage)\""
        default: return "\(kindName) \(s.value.truncatedForMessage)"
        }
    }
}

extension String {
    /// A path from the user's file as a message shows it: escaped, and at most 120 characters
    /// (the first and last 59 around `…`), so the file's own name stays visible.
    public var pathForMessage: String {
        let characters = Array(self)
        guard characters.count > 120 else { return InertText.line(self) }
        return InertText.line(String(characters.prefix(59))) + "…" + InertText.line(String(characters.suffix(59)))
    }

    /// The longest excerpt of a user's value a message quotes, in characters.
    public static let messageExcerptLength = InertText.excerptLength

    /// Evidence stays short even when the value is a whole paragraph (or a secret a walked file
    /// happened to hold): at most 32 characters, then `…`, every control, bidi or invisible
    /// character escaped so the excerpt stays one inert line.
    public var truncatedForMessage: String { InertText.excerpt(self) }
}
