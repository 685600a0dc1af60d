import Support

/// What `doctor` found (`docs/schemas/doctor.schema.json`). Checks run in order — URL,
/// connection, API at that URL, token, scopes — and stop at the first cause; every key is
/// present, `null` when the check that would tell was not reached.
public struct DoctorReport: Encodable, Sendable {
    public enum CheckName: String, Encodable, Sendable { case url, connection, api, token, scopes }
    public struct Check: Encodable, Sendable {
        public var name: CheckName
        public var ok: Bool
        public var message: String
    }
    public struct Scope: Encodable, Sendable {
        public var name: String
        /// `null` when the token could not be read.
        @AlwaysPresent public var granted: Bool?
        public var required: Bool
        public var neededFor: String
        public init(name: String, granted: Bool? = nil, required: Bool, neededFor: String) {
            self.name = name; self.granted = granted; self.required = required; self.neededFor = neededFor
        }
    }
    public enum Verdict: Sendable { case ok, failure, authentication }

    /// Beyond this, TLS and token checks may fail and expiry comparisons drift.
    public static let clockSkewWarning: Double = 60

    public var formatVersion = JSONDocument.formatVersion
    public var apiURL: String
    public var checks: [Check] = []
    /// The first check that failed; `null` when all passed.
    @AlwaysPresent public var failedCheck: CheckName?
    public var reachable = false
    @AlwaysPresent public var latencyMS: Int?
    public var tokenValid = false
    @AlwaysPresent public var tokenOwnerID: Int?
    @AlwaysPresent public var tokenName: String?
    @AlwaysPresent public var ownerNickname: String?
    public var scopes: [Scope]
    /// Granted scopes among `scopes`, and required ones missing; `null` until the token was read.
    @AlwaysPresent public var scopesPresent: [String]?
    @AlwaysPresent public var scopesMissing: [String]?
    @AlwaysPresent public var clockSkewSeconds: Double?
    public var problems: [String] = []
    /// Findings that do not fail the check (clock skew): listed apart, so `ok` agrees with the exit code.
    public var warnings: [String] = []
    public var ok = false

    public init(apiURL: String, scopes: [Scope]) { self.apiURL = apiURL; self.scopes = scopes }

    public mutating func pass(_ name: CheckName, _ message: String) {
        checks.append(Check(name: name, ok: true, message: message))
    }

    public mutating func fail(_ name: CheckName, _ message: String) {
        checks.append(Check(name: name, ok: false, message: message))
        if failedCheck == nil { failedCheck = name }
        problems.append(message)
    }

    /// The scopes to judge: what the given files need, or (nil) every scope the tool can use.
    public static func scopes(for files: [DesiredState]?) -> [Scope] {
        let reads = "plan, apply, show, export"
        var scopes = [Scope(name: ScopeCatalogue.profileRead(.me), required: true, neededFor: reads),
                      Scope(name: ScopeCatalogue.statusRead(.me), required: true, neededFor: reads)]
        if let files {
            // Files without `user:` are the token owner's own profile (/profile…); files with one
            // go through the administrator endpoints (docs/teams.md), whose scopes are others.
            let own = files.filter { $0.user == nil }, others = files.filter { $0.user != nil }
            scopes += [writeScope(ScopeCatalogue.statusWrite(.me), "status", own, { $0.status.isManaged }, none: "no given file"),
                       writeScope(ScopeCatalogue.avatarWrite(.me), "avatar", own, { $0.avatar.isManaged }, none: "no given file")]
            if !others.isEmpty {
                let named = others.map(\.file).joined(separator: ", ")
                scopes += [Scope(name: ScopeCatalogue.workspaceRead, required: true, neededFor: "user: of \(named)"),
                           Scope(name: ScopeCatalogue.statusRead(ScopeCatalogue.someoneElse), required: true, neededFor: "plan of \(named)"),
                           writeScope(ScopeCatalogue.statusWrite(ScopeCatalogue.someoneElse), "status", others, { $0.status.isManaged }, none: "no given file with user:"),
                           writeScope(ScopeCatalogue.avatarWrite(ScopeCatalogue.someoneElse), "avatar", others, { $0.avatar.isManaged }, none: "no given file with user:")]
            }
            scopes.append(writeScope(ScopeCatalogue.personWrite, "person", files, { $0.person != nil }, none: "no given file"))
        } else {
            scopes.append(Scope(name: ScopeCatalogue.statusWrite(.me), required: true, neededFor: "apply of a file with status"))
            scopes.append(Scope(name: ScopeCatalogue.avatarWrite(.me), required: true, neededFor: "apply of a file with avatar"))
            // Administrator scopes only matter to files about other people (teams, docs/teams.md).
            for (name, use) in [(ScopeCatalogue.workspaceRead, "files with user:"), (ScopeCatalogue.statusRead(ScopeCatalogue.someoneElse), "files with user:"),
                                (ScopeCatalogue.statusWrite(ScopeCatalogue.someoneElse), "status in files with user:"),
                                (ScopeCatalogue.avatarWrite(ScopeCatalogue.someoneElse), "avatar in files with user:"),
                                (ScopeCatalogue.personWrite, "person: in a file (docs/people.md)")] {
                scopes.append(Scope(name: name, required: false, neededFor: use))
            }
        }
        let naming = files?.filter { $0.person?.customProperties != nil }.map(\.file) ?? []
        scopes.append(Scope(name: ScopeCatalogue.propertyDefinitions, required: !naming.isEmpty,
                            neededFor: naming.isEmpty ? "custom properties in show" : "custom_properties of \(naming.joined(separator: ", "))"))
        return scopes
    }

    /// A write scope: required when one of `files` manages `field`, optional (and saying so) otherwise.
    private static func writeScope(_ name: String, _ field: String, _ files: [DesiredState],
                                   _ manages: (DesiredState) -> Bool, none: String) -> Scope {
        let managing = files.filter(manages).map(\.file)
        return Scope(name: name, required: !managing.isEmpty,
                     neededFor: managing.isEmpty ? "\(none) manages \(field)" : "\(field) of \(managing.joined(separator: ", "))")
    }
}
