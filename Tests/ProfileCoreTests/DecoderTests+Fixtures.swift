import Foundation
import ProfileCore
import Testing

/// Every fixture in `Fixtures/decoder/` carries its exact expected diagnostics at its end.
@Suite struct DecoderFixtureTests {
    @Test func corpusIsPresent() {
        #expect(DecoderFixtures.caseNames.count >= 30)
    }

    @Test(arguments: DecoderFixtures.caseNames.filter { !$0.hasPrefix("schedule") })
    func fixture(_ name: String) {
        check(name)
    }

    @Test(.enabled(if: TestZones.available, "no tz database (install tzdata)"),
          arguments: DecoderFixtures.caseNames.filter { $0.hasPrefix("schedule") })
    func scheduleFixture(_ name: String) {
        check(name)
    }

    func check(_ name: String) {
        let result = DecoderFixtures.decode(name)
        let expected = DecoderFixtures.expectations(name)
        let actual = result.diagnostics.map(DecoderFixtures.render)
        #expect(actual == expected, "\(name)")
        // The desired state exists exactly when there is no error.
        #expect((result.desired == nil) == expected.contains { $0.contains(": error: ") }, "\(name)")
    }
}
