import Support

// The person record (docs/people.md): names, title, department, phone, group tags and the
// workspace's custom properties, each managed on its own. `email`, `nickname`, `role` and
// `suspended` are never managed: identity and access belong to the administrator.

/// The text fields of a person record, by their file and API name.
public enum PersonTextField: String, Sendable, Codable, CaseIterable {
    case firstName = "first_name"
    case lastName = "last_name"
    case title
    case department
    case phoneNumber = "phone_number"

    /// The API's `maxLength` (`UserUpdateRequest`); `title` has none.
    public var maxLength: Int? { self == .title ? nil : 255 }
}

/// A custom property's type (`CustomPropertyDataType`); an unknown one is compared as text.
public enum PropertyType: String, Sendable, Codable {
    case string, number, date, link

    public init(wire: String?) { self = wire.flatMap(PropertyType.init(rawValue:)) ?? .string }
}

/// A property the workspace defines (`GET /custom_properties?entity_type=User`).
public struct PropertyDefinition: Sendable, Equatable, Codable {
    public var id: Int
    public var name: String
    public var type: PropertyType
    public init(id: Int, name: String, type: PropertyType) { self.id = id; self.name = name; self.type = type }
}

/// A custom property a file sets, by name, with where its name and value were written.
public struct DesiredProperty: Sendable, Equatable, Codable {
    public var name: String
    /// As written; `""` clears it.
    public var value: String
    public var line: Int
    public var column: Int
    public var valueLine: Int
    public var valueColumn: Int

    public init(name: String, value: String, line: Int = 0, column: Int = 0, valueLine: Int = 0, valueColumn: Int = 0) {
        self.name = name; self.value = value; self.line = line; self.column = column
        self.valueLine = valueLine; self.valueColumn = valueColumn
    }
}

/// The five text fields, optional: the file's block, a change's sides and its request share
/// them, and one subscript reads and writes any of them by `PersonTextField`.
public protocol PersonTextFields {
    var firstName: String? { get set }
    var lastName: String? { get set }
    var title: String? { get set }
    var department: String? { get set }
    var phoneNumber: String? { get set }
}

extension PersonTextFields {
    public subscript(field: PersonTextField) -> String? {
        get {
            switch field {
            case .firstName: firstName
            case .lastName: lastName
            case .title: title
            case .department: department
            case .phoneNumber: phoneNumber
            }
        }
        set {
            switch field {
            case .firstName: firstName = newValue
            case .lastName: lastName = newValue
            case .title: title = newValue
            case .department: department = newValue
            case .phoneNumber: phoneNumber = newValue
            }
        }
    }
}

/// The `person:` block: every key absent (nil) is unmanaged, never read for changes nor sent.
public struct DesiredPerson: Sendable, Equatable, Codable, PersonTextFields {
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var department: String?
    public var phoneNumber: String?
    /// The whole list of group tags.
    public var tags: [String]?
    /// By the property's name.
    public var customProperties: [DesiredProperty]?

    public init(firstName: String? = nil, lastName: String? = nil, title: String? = nil, department: String? = nil,
                phoneNumber: String? = nil, tags: [String]? = nil, customProperties: [DesiredProperty]? = nil) {
        self.firstName = firstName; self.lastName = lastName; self.title = title; self.department = department
        self.phoneNumber = phoneNumber; self.tags = tags; self.customProperties = customProperties
    }
}

/// A custom property's live value on a person (`CustomProperty`).
public struct LiveProperty: Sendable, Equatable, Codable {
    public var id: Int
    public var name: String
    public var type: PropertyType
    public var value: String?
    public init(id: Int, name: String, type: PropertyType, value: String?) {
        self.id = id; self.name = name; self.type = type; self.value = value
    }
}

/// The person record as the API returned it; a `null` text is `""` (the API answers either).
public struct LivePerson: Sendable, Equatable, Codable {
    public var firstName: String
    public var lastName: String
    public var title: String
    public var department: String
    public var phoneNumber: String
    public var tags: [String]
    public var customProperties: [LiveProperty]

    public init(firstName: String = "", lastName: String = "", title: String = "", department: String = "",
                phoneNumber: String = "", tags: [String] = [], customProperties: [LiveProperty] = []) {
        self.firstName = firstName; self.lastName = lastName; self.title = title; self.department = department
        self.phoneNumber = phoneNumber; self.tags = tags; self.customProperties = customProperties
    }

    public subscript(field: PersonTextField) -> String {
        switch field {
        case .firstName: firstName
        case .lastName: lastName
        case .title: title
        case .department: department
        case .phoneNumber: phoneNumber
        }
    }

    public func value(ofProperty id: Int) -> String? { customProperties.first { $0.id == id }?.value }
}

/// A property's value on one side of a change, by name (`null`: not set).
public struct PropertyValue: Sendable, Equatable, Codable {
    public var name: String
    @AlwaysPresent public var value: String?
    public init(name: String, value: String?) { self.name = name; self.value = value }
}

/// One side (`before` or `after`) of a person change: only the fields that differ are present.
public struct PersonSnapshot: Sendable, Equatable, Codable, PersonTextFields {
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var department: String?
    public var phoneNumber: String?
    public var tags: [String]?
    public var customProperties: [PropertyValue]?

    public init() {}
}

/// A custom property's value as `PUT /users/{id}` sets it.
public struct PropertyAssignment: Sendable, Equatable, Codable {
    public var id: Int
    public var value: String
    public init(id: Int, value: String) { self.id = id; self.value = value }
}

/// Exactly what `PUT /users/{id}` sends: the managed fields that differ, the complete tag list
/// when tags change, every property's value when a custom property changes. It has no
/// `suspended`, `role`, `email` or `nickname`: they cannot be sent.
public struct PersonUpdate: Sendable, Equatable, Codable, PersonTextFields {
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var department: String?
    public var phoneNumber: String?
    public var listTags: [String]?
    public var customProperties: [PropertyAssignment]?

    public init() {}
}

/// One field of a person change, for the human view (`~ person.title: "Engineer" → "Lead"`).
public struct PersonFieldChange: Sendable, Equatable {
    /// `title`, `tags`, `custom_properties.Город`.
    public var field: String
    public var before: String
    public var after: String
}

/// What the plan does to the person record: always an update of the managed fields that
/// differ, carrying both sides and the request that makes it.
public struct PersonChange: Sendable, Equatable, Codable {
    public var before: PersonSnapshot
    public var after: PersonSnapshot
    public var request: PersonUpdate

    public init(before: PersonSnapshot, after: PersonSnapshot, request: PersonUpdate) {
        self.before = before; self.after = after; self.request = request
    }

    public var action: Action { .update }

    /// The differing fields in a fixed order: text fields, tags, then properties by name.
    public var fields: [PersonFieldChange] {
        var out: [PersonFieldChange] = []
        for field in PersonTextField.allCases {
            if let a = after[field] {
                out.append(PersonFieldChange(field: field.rawValue, before: Self.quoted(before[field] ?? ""), after: Self.quoted(a)))
            }
        }
        if let a = after.tags { out.append(PersonFieldChange(field: "tags", before: Self.list(before.tags ?? []), after: Self.list(a))) }
        for property in after.customProperties ?? [] {
            let was = before.customProperties?.first { $0.name == property.name }?.value
            out.append(PersonFieldChange(field: "custom_properties.\(property.name)", before: Self.quoted(was ?? ""),
                                         after: Self.quoted(property.value ?? "")))
        }
        return out
    }

    public var changedFields: [String] { fields.map(\.field) }

    public static func quoted(_ text: String) -> String { "\"" + text.replacingScalars("\"", with: "\\\"") + "\"" }
    public static func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }
}

// MARK: - comparing

public enum PersonComparison {
    /// Texts compare after Unicode normalization; a `null` is `""`.
    public static func sameText(_ a: String, _ b: String) -> Bool { Normalization.textKey(a) == Normalization.textKey(b) }

    /// Tags compare as sets of normalized names: the order the API lists them in does not matter.
    public static func sameTags(_ a: [String], _ b: [String]) -> Bool {
        Set(a.map(Normalization.textKey)) == Set(b.map(Normalization.textKey))
    }

    /// A property's value by its type: dates and numbers as values, the rest as text.
    public static func sameValue(_ a: String?, _ b: String?, type: PropertyType) -> Bool {
        let x = a ?? "", y = b ?? ""
        if x.isEmpty || y.isEmpty { return x.isEmpty && y.isEmpty }
        switch type {
        case .date:
            if let dx = PropertyForm.date(x), let dy = PropertyForm.date(y) { return dx == dy }
        case .number:
            if let nx = PropertyForm.number(x), let ny = PropertyForm.number(y) { return nx == ny }
        case .string, .link: break
        }
        return sameText(x, y)
    }
}

/// The forms a custom property's value must have, by type (checked against the definitions).
public enum PropertyForm {
    public static let maxValueLength = 768

    /// `YYYY-MM-DD` (a live value may carry a time after it), as a comparable `(y, m, d)` text.
    public static func date(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars.prefix(10))
        guard scalars.count == 10, scalars[4] == "-", scalars[7] == "-" else { return nil }
        if text.unicodeScalars.count > 10, text.unicodeScalars.dropFirst(10).first != "T" { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for s in scalars[r] { guard ("0"..."9").contains(s) else { return nil }; n = n * 10 + Int(s.value - 48) }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard d <= days else { return nil }
        return String(String.UnicodeScalarView(scalars))
    }

    /// A decimal number (`42`, `-3.5`), as a canonical text: no sign on zero, no trailing zeros.
    public static func number(_ text: String) -> String? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts.allSatisfy({ $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }),
              parts.count == 1 || !parts[1].isEmpty else { return nil }
        var whole = String(parts[0].drop { $0 == "0" })
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        let body = fraction.isEmpty ? whole : "\(whole).\(fraction)"
        return negative && body != "0" ? "-" + body : body
    }

    /// An absolute http(s) URL with a host.
    public static func isLink(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard let rest = ["https://", "http://"].first(where: lower.hasPrefix).map({ lower.dropFirst($0.count) }) else { return false }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && !text.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    /// Why `value` is not of `type`; nil when it is (`""` clears any type).
    public static func problem(_ value: String, type: PropertyType) -> String? {
        if value.isEmpty { return nil }
        switch type {
        case .string: return nil
        case .date: return date(value) == nil || value.unicodeScalars.count != 10 ? "expected a date YYYY-MM-DD" : nil
        case .number: return number(value) == nil ? "expected a number such as 42 or 3.5" : nil
        case .link: return isLink(value) ? nil : "expected a link (an http:// or https:// URL)"
        }
    }
}

extension DesiredState {
    /// Custom property names and values checked against the workspace's definitions: an unknown
    /// name (with the nearest one) or a value of the wrong type is an error at its place.
    public func propertyDiagnostics(_ definitions: [PropertyDefinition]) -> [Diagnostic] {
        guard let wanted = person?.customProperties else { return [] }
        var out: [Diagnostic] = []
        for p in wanted {
            let path = "person.custom_properties.\(p.name.truncatedForMessage)"
            guard let definition = definitions.first(where: { PersonComparison.sameText($0.name, p.name) }) else {
                let names = definitions.map(\.name)
                let hint = Suggest.nearest(to: p.name.lowercased(), among: names.map { $0.lowercased() })
                    .flatMap { lower in names.first { $0.lowercased() == lower } }
                    .map { "did you mean '\($0)'?" }
                    ?? (names.isEmpty ? "the workspace defines no custom properties for people"
                                      : "known properties: \(names.prefix(20).joined(separator: ", "))")
                out.append(Diagnostic(severity: .error, file: file, line: p.line, column: p.column, path: path,
                                      message: "no such custom property in the workspace", notes: [hint]))
                continue
            }
            if let problem = PropertyForm.problem(p.value, type: definition.type) {
                out.append(Diagnostic(severity: .error, file: file, line: p.valueLine, column: p.valueColumn, path: path,
                                      message: "\(problem) (got '\(p.value.truncatedForMessage)')",
                                      notes: ["'\(definition.name)' is a \(definition.type.rawValue) property"]))
            }
        }
        return out
    }
}

extension Differ {
    /// The person record's change: the managed fields that differ, nil when none does.
    /// `definitions` resolve property names (already checked by `propertyDiagnostics`).
    public static func person(desired: DesiredPerson, live: LivePerson, definitions: [PropertyDefinition]) -> PersonChange? {
        var before = PersonSnapshot(), after = PersonSnapshot(), request = PersonUpdate()
        var changed = false
        for field in PersonTextField.allCases {
            guard let wanted = desired[field], !PersonComparison.sameText(wanted, live[field]) else { continue }
            before[field] = live[field]
            after[field] = wanted
            request[field] = wanted
            changed = true
        }
        if let tags = desired.tags, !PersonComparison.sameTags(tags, live.tags) {
            before.tags = live.tags
            after.tags = tags
            request.listTags = tags
            changed = true
        }
        if let wanted = desired.customProperties {
            var was: [PropertyValue] = [], will: [PropertyValue] = []
            var managed: [Int: String] = [:]
            for p in wanted {
                guard let d = definitions.first(where: { PersonComparison.sameText($0.name, p.name) }) else { continue }
                managed[d.id] = p.value
                let current = live.value(ofProperty: d.id)
                if !PersonComparison.sameValue(p.value, current, type: d.type) {
                    was.append(PropertyValue(name: d.name, value: current))
                    will.append(PropertyValue(name: d.name, value: p.value))
                }
            }
            if !will.isEmpty {
                before.customProperties = was
                after.customProperties = will
                // The complete list: managed values, and every other property's live value, so the
                // result is the same whether the API merges or replaces.
                let ids = Set(definitions.map(\.id)).union(live.customProperties.map(\.id)).sorted()
                request.customProperties = ids.compactMap { id in
                    (managed[id] ?? live.value(ofProperty: id)).map { PropertyAssignment(id: id, value: $0) }
                }
                changed = true
            }
        }
        return changed ? PersonChange(before: before, after: after, request: request) : nil
    }
}
