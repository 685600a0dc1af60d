import Support

/// Why a write failed, typed: the exit status and the report depend on it.
public struct WriteFailure: Sendable, Equatable, Error {
    public enum Kind: String, Sendable {
        /// The API refused it (4xx) or it was never sent: nothing changed.
        case refused
        /// 401/403: exit 3, as on a read.
        case authorization
        /// The request may have landed (connection dropped after sending, a 2xx with a body of
        /// the wrong shape, retries exhausted): the live state is re-read to tell.
        case outcomeUnknown = "outcome_unknown"
        /// A local problem before sending (the avatar file changed or cannot be read).
        case local
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
}

/// What happened to one planned change.
public struct ResourceOutcome: Sendable {
    public enum Result: Sendable { case applied, failed(WriteFailure) }
    public var change: Change
    public var result: Result
    /// How an outcome was established when the API's answer did not tell (re-read live state).
    public var note: String?
    public init(change: Change, result: Result, note: String? = nil) {
        self.change = change; self.result = result; self.note = note
    }
}

/// A field that still differs after writing: the API normalized it in a way we do not know.
public struct ConvergenceProblem: Sendable, Equatable {
    public var field: String
    public var sent: String
    public var received: String
    public init(field: String, sent: String, received: String) {
        self.field = field; self.sent = sent; self.received = received
    }
    public var message: String { "\(field): sent \(sent), the API returned \(received)" }
}

/// What an apply did (docs/commands.md, docs/design.md): rendered by `ProfileRender.ApplyText`/`ApplyJSON`.
public struct ApplyReport: Sendable {
    public var outcomes: [ResourceOutcome]
    public var convergenceProblems: [ConvergenceProblem]
    public var verificationError: String?
    public init(outcomes: [ResourceOutcome], convergenceProblems: [ConvergenceProblem] = [], verificationError: String? = nil) {
        self.outcomes = outcomes; self.convergenceProblems = convergenceProblems; self.verificationError = verificationError
    }

    public var applied: [Change] { outcomes.compactMap { if case .applied = $0.result { $0.change } else { nil } } }
    public var failed: [(Change, String)] {
        outcomes.compactMap { if case .failed(let f) = $0.result { ($0.change, f.message) } else { nil } }
    }
    /// A write was refused for the token's rights (401/403): the run exits 3.
    public var authorizationFailed: Bool {
        outcomes.contains { if case .failed(let f) = $0.result { f.kind == .authorization } else { false } }
    }
    public var succeeded: Bool { failed.isEmpty && convergenceProblems.isEmpty && verificationError == nil }
}
