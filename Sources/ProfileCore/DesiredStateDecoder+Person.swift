import Support
import ProfileYAML

extension DesiredStateDecoder {
    public static let personKeys = PersonTextField.allCases.map(\.rawValue) + ["tags", "custom_properties"]
    /// Keys of the person record this tool never manages, and why.
    public static let unmanagedPersonKeys: [String: String] = [
        "email": "an email is the person's identity (their login)",
        "nickname": "a nickname is the person's identity (mentions and links use it)",
        "role": "a role is access, granted by an administrator",
        "suspended": "suspending a person is access, decided by an administrator",
    ]
    /// Group tags and property names are short; a longer one is a mistake.
    public static let maxTagLength = 255
}

extension Decoding {
    /// `person:` (docs/people.md): each key managed on its own. Property names and types are
    /// checked against the workspace's definitions when planning; here only their form.
    mutating func decodePerson(_ node: YAMLNode) -> DesiredPerson? {
        if node.isPreReported { return nil }
        guard let entries = node.mapping else {
            error("expected a mapping of the person's fields (got \(node.describedForMessage))", at: node.start, path: "person",
                  notes: ["a person record cannot be removed; leave the key out to leave it unmanaged"])
            return nil
        }
        var person = DesiredPerson()
        for entry in entries {
            guard let key = keyName(entry.key, parentPath: "person") else { continue }
            let path = "person.\(key)"
            if let field = PersonTextField(rawValue: key) {
                person[field] = personText(entry.value, path: path, max: field.maxLength)
            } else if key == "tags" {
                person.tags = decodeTags(entry.value, path: path)
            } else if key == "custom_properties" {
                person.customProperties = decodeProperties(entry.value, path: path)
            } else if let why = DesiredStateDecoder.unmanagedPersonKeys[key] {
                error("is not managed by this tool: \(why)", at: entry.key.start, path: path,
                      notes: ["remove this key; change it in Pachca's administration"])
            } else {
                unknownKey(key, at: entry.key.start, path: "person", known: DesiredStateDecoder.personKeys)
            }
        }
        return person
    }

    /// A text field: `""` clears it; null is refused (write `""`).
    mutating func personText(_ node: YAMLNode, path: String, max: Int?) -> String? {
        if node.resolved == .null, !node.isPreReported {
            error("expected a string (got null)", at: node.start, path: path, notes: ["write \"\" to clear it"])
            return nil
        }
        guard let text = string(node, path: path) else { return nil }
        return checkLength(text, node: node, path: path, min: 0, max: max ?? Int.max)
    }

    mutating func decodeTags(_ node: YAMLNode, path: String) -> [String]? {
        if node.isPreReported { return nil }
        guard let items = node.sequence else {
            error("expected a list of tags (got \(node.describedForMessage))", at: node.start, path: path,
                  notes: ["write [] for no tags"])
            return nil
        }
        var tags: [String] = []
        var seen: Set<String> = []
        var ok = true
        for (i, item) in items.enumerated() {
            let itemPath = "\(path)[\(i)]"
            guard let text = string(item, path: itemPath),
                  let tag = checkLength(text, node: item, path: itemPath, min: 1, max: DesiredStateDecoder.maxTagLength) else {
                ok = false
                continue
            }
            if !seen.insert(Normalization.textKey(tag)).inserted {
                error("'\(tag.truncatedForMessage)' is listed twice", at: item.start, path: itemPath)
                ok = false
            }
            tags.append(tag)
        }
        return ok ? tags : nil
    }

    /// `custom_properties:` by name: each value a scalar, taken as written (`1990-05-01`, `42`).
    mutating func decodeProperties(_ node: YAMLNode, path: String) -> [DesiredProperty]? {
        if node.isPreReported { return nil }
        guard let entries = node.mapping else {
            error("expected a mapping of property names to values (got \(node.describedForMessage))", at: node.start, path: path)
            return nil
        }
        var out: [DesiredProperty] = []
        var ok = true
        for entry in entries {
            guard let name = keyName(entry.key, parentPath: path) else { ok = false; continue }
            let v = entry.value
            let valuePath = "\(path).\(name.truncatedForMessage)"
            if v.isPreReported { ok = false; continue }
            guard let scalar = v.scalar, v.resolved != .null else {
                error("expected a value (got \(v.describedForMessage))", at: v.start, path: valuePath,
                      notes: v.resolved == .null ? ["write \"\" to clear it"] : ["write one value: text, a number, a date or a link"])
                ok = false
                continue
            }
            guard let value = checkLength(scalar.value, node: v, path: valuePath, min: 0, max: PropertyForm.maxValueLength) else {
                ok = false
                continue
            }
            out.append(DesiredProperty(name: name, value: value, line: entry.key.start.line, column: entry.key.start.column,
                                       valueLine: v.start.line, valueColumn: v.start.column))
        }
        return ok ? out : nil
    }
}
