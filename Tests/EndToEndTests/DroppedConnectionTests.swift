import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// The everyday failure of a proxy or load balancer: the server closes a connection without
/// answering. libcurl owns every request body, so whatever resends it (libcurl itself on a
/// dead keep-alive connection, or our retry) sends it whole, and no resend waits out a timeout.
@Suite(.awaitsTeardown) struct DroppedConnectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        var testDescription: String { "\(method) \(path)" }
    }

    static let cases = [
        Case(method: "PUT", path: "/profile/status"), Case(method: "DELETE", path: "/profile/status"),
        Case(method: "PUT", path: "/profile/avatar"), Case(method: "DELETE", path: "/profile/avatar"),
        Case(method: "GET", path: "/profile"), Case(method: "GET", path: "/profile/status"),
    ]

    @Test(arguments: cases)
    func oneDroppedConnectionCostsUnderTwoSeconds(_ c: Case) async throws {
        let h = try await Harness.start()
        try h.write("me.png", bytes: Harness.png(variant: 7))
        // Live state that makes the run send exactly the call under test.
        switch (c.method, c.path) {
        case ("PUT", "/profile/status"):
            try h.write("me.yaml", ReconcileTests.vacation.replacingOccurrences(of: "avatar: me.png", with: ""))
        case ("DELETE", "/profile/status"):
            try await h.emulator.setStatus(SeedStatus(emoji: "💻", title: "Working"))
            try h.write("me.yaml", "status: null\n")
        case ("PUT", "/profile/avatar"):
            try h.write("me.yaml", "avatar: me.png\n")
        case ("DELETE", "/profile/avatar"):
            await h.emulator.setAvatar(bytes: Harness.png(variant: 3))
            try h.write("me.yaml", "avatar: null\n")
        default:
            try h.write("me.yaml", ReconcileTests.statusOnly)
        }
        await h.emulator.injectFault(.drop, method: c.method, path: c.path, count: 1)
        let command = c.method == "GET" ? ["plan", "-v", "me.yaml"] : ["apply", "-v", "--auto-approve", "me.yaml"]
        let started = Date()
        let run = try await h.run(command)
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")

        let calls = await h.emulator.journal().filter { $0.method == c.method && $0.apiPath == c.path }
        let dropped = calls.filter { $0.fault == "drop" }
        #expect(dropped.count == 1, "\(calls.map(\.status))")
        // The request after the drop succeeded, carrying the same body as the dropped one.
        let answered = calls.filter { $0.status >= 200 && $0.status < 300 }
        #expect(answered.count >= 1, "\(calls.map(\.status))")
        #expect(calls.allSatisfy { $0.status == 0 || ($0.status >= 200 && $0.status < 300) },
                "a resend was refused: \(calls.map(\.status))")
        #expect(Set(calls.map(\.requestBodyLength)).count == 1, "bodies differ: \(calls.map(\.requestBodyLength))")
        #expect(Set(calls.map { $0.requestBody ?? "" }).count == 1, "bodies differ: \(calls.map { $0.requestBody ?? "" })")
        if c.method == "PUT" {
            #expect((calls.first?.requestBodyLength ?? 0) > 60)
        } else {
            #expect(calls.first?.requestBodyLength == 0)
        }
        if let drop = dropped.first, let next = answered.first(where: { $0.time >= drop.time }) {
            let cost = next.time.timeIntervalSince(drop.time)
            #expect(cost < 2, "the dropped connection cost \(cost) s")
        }
        #expect(elapsed < 15, "the whole run took \(elapsed) s (no 30 s stall)")
    }
}
