import Foundation

// `PUT /users/{id}` (scope `users:update`): the person record, with the spec's validation
// (`UserUpdateRequest`). The token owner is a member too: `/users/{own id}` edits the record
// `GET /profile` shows. The workspace owner's record answers 403 to anyone else's token.

/// How a server treats `list_tags` and `custom_properties` in `PUT /users/{id}`; the spec does
/// not say, so the emulator can do either and a client must not depend on it.
public enum ListUpdateMode: String, Sendable, Codable, Equatable {
    /// Tags are added to the person's; properties sent are set, the others kept.
    case merge
    /// Tags become exactly the list sent; properties not sent are cleared.
    case replace
}

extension Emulator {
    /// A person's record as stored (the token owner's too) and their property values by name.
    public func person(id: Int) async -> (user: SeedUser, properties: [String: String])? {
        await core.personRecord(id: id)
    }
}

extension EmulatorCore {
    func personRecord(id: Int) -> (user: SeedUser, properties: [String: String])? {
        let user: SeedUser, values: [Int: String]
        if id == config.user.id {
            user = config.user
            values = Dictionary(uniqueKeysWithValues: config.customProperties.compactMap { p in p.value.map { (p.id, $0) } })
        } else if let m = workspace.member(id) {
            user = m.user
            values = m.properties
        } else {
            return nil
        }
        var byName: [String: String] = [:]
        for p in config.customProperties { if let v = values[p.id] { byName[p.name] = v } }
        return (user, byName)
    }

    /// Every defined property with this person's value (null when unset), as `User.custom_properties`.
    func propertiesJSON(_ value: (Int) -> String?) -> JSON {
        .array(config.customProperties.map {
            .object([("id", .int($0.id)), ("name", .string($0.name)), ("data_type", .string($0.dataType)),
                     ("value", .optional(value($0.id)))])
        })
    }

    func updatePerson(_ id: Int, body: [UInt8]) -> Reply {
        guard let root = JSON.parse(Data(body)), case .object = root else {
            return ErrorItem.apiError(400, [ErrorItem(key: "body", value: nil, message: "Request body must be a JSON object", code: "invalid")])
        }
        guard let u = root["user"], case .object = u else {
            return ErrorItem.apiError(400, [ErrorItem(key: "user", value: root["user"].map(Self.display),
                message: "is required and must be an object", code: "required")])
        }
        let isOwner = id == config.user.id
        var user = isOwner ? config.user : workspace.member(id)!.user
        var values: [Int: String] = isOwner
            ? Dictionary(uniqueKeysWithValues: config.customProperties.compactMap { p in p.value.map { (p.id, $0) } })
            : workspace.member(id)!.properties
        var items: [ErrorItem] = []
        func text(_ key: String, max: Int?) -> String? {
            guard let v = u[key] else { return nil }
            guard case .string(let s) = v else {
                items.append(ErrorItem(key: "user.\(key)", value: Self.display(v), message: "must be a string", code: "invalid"))
                return nil
            }
            if let max, s.unicodeScalars.count > max {
                items.append(ErrorItem(key: "user.\(key)", value: s, message: "is too long (maximum is \(max) characters)", code: "too_long"))
                return nil
            }
            return s
        }
        if let s = text("first_name", max: 255) { user.firstName = s }
        if let s = text("last_name", max: 255) { user.lastName = s }
        if let s = text("phone_number", max: 255) { user.phoneNumber = s }
        if let s = text("department", max: 255) { user.department = s }
        if let s = text("title", max: nil) { user.title = s }
        if let s = text("email", max: 255) { user.email = s }
        if let s = text("nickname", max: 255) { user.nickname = s }
        if let v = u["role"] {
            if let s = v.stringValue, ["admin", "user", "multi_guest"].contains(s) { user.role = s } else {
                items.append(ErrorItem(key: "user.role", value: Self.display(v),
                                       message: "is not included in the list (admin, user, multi_guest)", code: "inclusion"))
            }
        }
        if let v = u["suspended"] {
            if case .bool(let b) = v { user.suspended = b } else {
                items.append(ErrorItem(key: "user.suspended", value: Self.display(v), message: "must be true or false", code: "invalid"))
            }
        }
        if let v = u["list_tags"] {
            if case .array(let list) = v, let tags = Optional(list.compactMap(\.stringValue)), tags.count == list.count {
                var next: [String]
                switch config.listUpdates {
                case .merge: next = user.listTags + tags.filter { !user.listTags.contains($0) }
                case .replace: next = tags
                }
                // A server that will not remove some tags keeps them whatever was sent.
                for sticky in config.stickyTags where user.listTags.contains(sticky) && !next.contains(sticky) { next.append(sticky) }
                user.listTags = next
            } else {
                items.append(ErrorItem(key: "user.list_tags", value: Self.display(v), message: "must be an array of strings", code: "invalid"))
            }
        }
        if let v = u["custom_properties"] {
            guard case .array(let list) = v else {
                return ErrorItem.apiError(422, [ErrorItem(key: "user.custom_properties", value: Self.display(v),
                                                          message: "must be an array", code: "invalid")])
            }
            var sent: [Int: String] = [:]
            for item in list {
                guard case .int(let pid)? = item["id"], case .string(let value)? = item["value"] else {
                    items.append(ErrorItem(key: "user.custom_properties", value: Self.display(item),
                                           message: "each item needs an integer id and a string value", code: "invalid"))
                    continue
                }
                guard let d = config.customProperties.first(where: { $0.id == pid }) else {
                    items.append(ErrorItem(key: "user.custom_properties.id", value: String(pid), message: "Not found", code: "not_found"))
                    continue
                }
                if value.unicodeScalars.count > 768 {
                    items.append(ErrorItem(key: "user.custom_properties.value", value: value,
                                           message: "is too long (maximum is 768 characters)", code: "too_long"))
                } else if let problem = Self.propertyProblem(value, type: d.dataType) {
                    items.append(ErrorItem(key: "user.custom_properties.value", value: value, message: problem, code: "invalid"))
                } else {
                    sent[pid] = value
                }
            }
            switch config.listUpdates {
            case .merge: values.merge(sent) { _, new in new }
            case .replace: values = sent
            }
            values = values.filter { !$0.value.isEmpty }
        }
        if !items.isEmpty { return ErrorItem.apiError(422, items) }
        if isOwner {
            config.user = user
            for i in config.customProperties.indices { config.customProperties[i].value = values[config.customProperties[i].id] }
            return .json(200, .object([("data", userJSON())]))
        }
        workspace.updateUser(id) { $0 = user }
        workspace.setProperties(values, for: id)
        return .json(200, .object([("data", memberJSON(workspace.member(id)!))]))
    }

    /// A property value of the wrong form for its type; nil when it fits ("" clears any).
    static func propertyProblem(_ value: String, type: String) -> String? {
        if value.isEmpty { return nil }
        switch type {
        case "date":
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd"
            return value.count == 10 && f.date(from: value).map({ f.string(from: $0) == value }) == true
                ? nil : "is not a valid date (expected YYYY-MM-DD)"
        case "number":
            return Double(value) != nil && value.allSatisfy({ "0123456789.-+".contains($0) }) ? nil : "is not a number"
        case "link":
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host?.isEmpty == false else { return "is not a valid link" }
            return nil
        default:
            return nil
        }
    }
}
