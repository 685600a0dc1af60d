import Foundation
import Testing
@testable import ProfileCore
@testable import ProfileRender

/// The person record's diff, property checks and renderings, without any network.
@Suite struct PersonDiffTests {
    static let definitions = [
        PropertyDefinition(id: 1, name: "Город", type: .string),
        PropertyDefinition(id: 2, name: "Дата рождения", type: .date),
        PropertyDefinition(id: 3, name: "Этаж", type: .number),
        PropertyDefinition(id: 4, name: "Сайт", type: .link),
    ]
    static let live = LivePerson(
        firstName: "Anna", lastName: "Ivanova", title: "Engineer", department: "", phoneNumber: "+7900",
        tags: ["Oncall", "Backend"],
        customProperties: [
            LiveProperty(id: 1, name: "Город", type: .string, value: "Москва"),
            LiveProperty(id: 2, name: "Дата рождения", type: .date, value: "1990-05-01T00:00:00.000Z"),
            LiveProperty(id: 3, name: "Этаж", type: .number, value: "5.0"),
            LiveProperty(id: 4, name: "Сайт", type: .link, value: nil),
        ])

    static func change(_ desired: DesiredPerson) -> PersonChange? {
        Differ.person(desired: desired, live: live, definitions: definitions)
    }

    @Test func equalValuesByTheirKindNeedNoChange() {
        let same = DesiredPerson(title: "Engineer", department: "", tags: ["Backend", "Oncall"], customProperties: [
            DesiredProperty(name: "Город", value: "Моск\u{0432}а"),
            DesiredProperty(name: "Дата рождения", value: "1990-05-01"),
            DesiredProperty(name: "Этаж", value: "5"),
            DesiredProperty(name: "Сайт", value: ""),
        ])
        #expect(Self.change(same) == nil)
        // Normalization: a decomposed й equals the composed one.
        #expect(Differ.person(desired: DesiredPerson(title: "Сергей"), live: LivePerson(title: "Серге\u{0438}\u{0306}"),
                              definitions: []) == nil)
    }

    @Test func onlyDifferingManagedFieldsAndCompleteListsAreRequested() throws {
        let c = try #require(Self.change(DesiredPerson(title: "Lead", department: "", phoneNumber: "",
                                                       customProperties: [DesiredProperty(name: "Этаж", value: "7")])))
        #expect(c.changedFields == ["title", "phone_number", "custom_properties.Этаж"])
        #expect(c.request.title == "Lead" && c.request.phoneNumber == "" && c.request.department == nil)
        #expect(c.request.firstName == nil && c.request.listTags == nil)
        #expect(c.request.customProperties == [PropertyAssignment(id: 1, value: "Москва"),
                                               PropertyAssignment(id: 2, value: "1990-05-01T00:00:00.000Z"),
                                               PropertyAssignment(id: 3, value: "7")])
        let tags = try #require(Self.change(DesiredPerson(tags: ["Backend"])))
        #expect(tags.request.listTags == ["Backend"] && tags.changedFields == ["tags"])
    }

    @Test func propertyNamesAndTypesAreLocatedFindings() {
        var desired = DesiredState(file: "p.yaml")
        desired.person = DesiredPerson(customProperties: [
            DesiredProperty(name: "город", value: "Казань", line: 3, column: 5, valueLine: 3, valueColumn: 11),
            DesiredProperty(name: "Горд", value: "x", line: 4, column: 5, valueLine: 4, valueColumn: 11),
            DesiredProperty(name: "Дата рождения", value: "1990-02-30", line: 5, column: 5, valueLine: 5, valueColumn: 20),
            DesiredProperty(name: "Этаж", value: "1e3", line: 6, column: 5, valueLine: 6, valueColumn: 11),
            DesiredProperty(name: "Сайт", value: "example.com", line: 7, column: 5, valueLine: 7, valueColumn: 11),
        ])
        let found = desired.propertyDiagnostics(Self.definitions).map { "\($0.line):\($0.column): \($0.path): \($0.message)" }
        #expect(found == [
            "3:5: person.custom_properties.город: no such custom property in the workspace",
            "4:5: person.custom_properties.Горд: no such custom property in the workspace",
            "5:20: person.custom_properties.Дата рождения: expected a date YYYY-MM-DD (got '1990-02-30')",
            "6:11: person.custom_properties.Этаж: expected a number such as 42 or 3.5 (got '1e3')",
            "7:11: person.custom_properties.Сайт: expected a link (an http:// or https:// URL) (got 'example.com')",
        ])
        #expect(desired.propertyDiagnostics(Self.definitions)[1].notes == ["did you mean 'Город'?"])
    }

    @Test func thePlanShowsOneLinePerFieldAndTheJSONOnlyTheDifferingFields() throws {
        let d = DifferTests.self
        var desired = DesiredState(file: "profiles/me.yaml")
        desired.person = DesiredPerson(title: "Senior Developer", tags: ["Backend"])
        let plan = Differ.plan(desired: desired, live: LiveState(owner: d.owner, status: nil, avatarURL: nil, person: Self.live),
                               avatar: nil, now: d.now)
        let text = PlanText.render(plan, color: false)
        #expect(text.contains("  ~ person.title: \"Engineer\" → \"Senior Developer\"\n"), "\(text)")
        #expect(text.contains("  ~ person.tags: [\"Oncall\", \"Backend\"] → [\"Backend\"]\n"), "\(text)")
        #expect(text.contains("Plan: 0 to create, 1 to change, 0 to delete."))
        let json = try PlanJSON.render(RenderTests.run(plan))
        #expect(json.contains(#""after":{"tags":["Backend"],"title":"Senior Developer"}"#), "\(json)")
        #expect(json.contains(#""changed_fields":["title","tags"]"#), "\(json)")
        // The saved plan carries the change and its request back unchanged.
        let saved = try JSONDocument.decoder().decode(Plan.self, from: Data(try JSONDocument.encode(plan).utf8))
        #expect(saved.personChange == plan.personChange)
    }
}
