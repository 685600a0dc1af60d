import Foundation
import PachcaAPI
import ProfileApply
import ProfileCore
import TestTeardown
import Testing

/// The read planner's bound (§9) against an in-memory directory that counts its reads:
/// at most min(2·S, ⌈W/50⌉ + 1) reads for S subjects in a workspace of W.
@Suite(.awaitsTeardown) struct ReadPlannerTests {
    actor Counter { var n = 0; func hit() { n += 1 } }

    struct Directory: WorkspaceDirectory {
        let people: [WireUser]
        let counter: Counter
        func page(after cursor: String?) async throws -> WireUserPage {
            await counter.hit()
            let start = cursor.flatMap(Int.init) ?? 0
            let slice = Array(people[start..<min(start + 50, people.count)])
            return WireUserPage(users: slice, nextCursor: start + 50 < people.count ? String(start + 50) : nil)
        }
        func search(_ text: String) async throws -> WireUserPage {
            await counter.hit()
            let hits = people.filter { ($0.email ?? "").lowercased().contains(text.lowercased()) || ($0.nickname ?? "").lowercased().contains(text.lowercased()) }
            return WireUserPage(users: Array(hits.prefix(50)), nextCursor: nil)
        }
        func user(id: Int) async throws -> WireUser? {
            await counter.hit()
            return people.first { $0.id == id }
        }
    }

    static func people(_ w: Int) -> [WireUser] {
        (0..<w).map { WireUser(id: 100 + $0, nickname: "p\($0)", email: "p\($0)@example.com") }
    }

    static func refs(_ texts: [String]) -> [UserReference] { texts.map { try! UserReference.parse($0).get() } }

    @Test(arguments: [(1, 10), (3, 5000), (40, 5000), (200, 5000), (1000, 5000), (3, 120), (10, 60)])
    func readsStayWithinTheBound(_ s: Int, _ w: Int) async throws {
        let counter = Counter()
        let dir = Directory(people: Self.people(w), counter: counter)
        let step = max(1, w / s)
        let texts = (0..<s).map { i -> String in
            let k = min(w - 1, i * step)
            return i % 3 == 0 ? "p\(k)@example.com" : i % 3 == 1 ? "p\(k)" : String(100 + k)
        }
        let outcome = try await ReadPlanner.resolve(Self.refs(texts), in: dir)
        let reads = await counter.n
        #expect(reads == outcome.reads)
        #expect(reads <= min(2 * s, (w + 49) / 50 + 1), "S=\(s) W=\(w): \(reads) reads")
        #expect(outcome.resolutions.values.allSatisfy { if case .found = $0 { true } else { false } })
    }

    @Test func unknownAndAmbiguousAreReported() async throws {
        var people = Self.people(120)
        people.append(WireUser(id: 999, nickname: "twin", email: "P1@example.com"))
        let dir = Directory(people: people, counter: Counter())
        let outcome = try await ReadPlanner.resolve(Self.refs(["p1@example.com", "nobody", "77777"]), in: dir)
        #expect(outcome.resolutions["email:p1@example.com"] == .ambiguous([101, 999]))
        #expect(outcome.resolutions["nickname:nobody"] == .unknown)
        #expect(outcome.resolutions["id:77777"] == .unknown)
    }
}
