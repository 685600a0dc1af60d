import Foundation

/// What happened to one planned change.
public struct ResourceOutcome: Sendable {
    public enum Result: Sendable { case applied, failed(String) }
    public var change: Change
    public var result: Result
    public init(change: Change, result: Result) { self.change = change; self.result = result }
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

/// What an apply did (SPEC §2, §6): rendered by `ProfileRender.ApplyText`/`ApplyJSON`.
public struct ApplyReport: Sendable {
    public var outcomes: [ResourceOutcome]
    public var convergenceProblems: [ConvergenceProblem]
    public var verificationError: String?
    public init(outcomes: [ResourceOutcome], convergenceProblems: [ConvergenceProblem] = [], verificationError: String? = nil) {
        self.outcomes = outcomes; self.convergenceProblems = convergenceProblems; self.verificationError = verificationError
    }

    public var applied: [Change] { outcomes.compactMap { if case .applied = $0.result { $0.change } else { nil } } }
    public var failed: [(Change, String)] {
        outcomes.compactMap { if case .failed(let m) = $0.result { ($0.change, m) } else { nil } }
    }
    public var succeeded: Bool { failed.isEmpty && convergenceProblems.isEmpty && verificationError == nil }
}
