import Foundation
import PachcaEmulator
import TestTeardown
import Testing

/// The person record end to end (docs/people.md): the built binary plans and writes
/// `PUT /users/{id}` against the emulator; the journal is the oracle for what was sent.
@Suite(.awaitsTeardown) struct PersonTests {
    static let properties = [
        SeedCustomProperty(id: 11, name: "Город", dataType: "string", value: nil),
        SeedCustomProperty(id: 12, name: "Дата рождения", dataType: "date", value: nil),
        SeedCustomProperty(id: 13, name: "Этаж", dataType: "number", value: nil),
        SeedCustomProperty(id: 14, name: "Сайт", dataType: "link", value: nil),
    ]
    static let anna = SeedPerson(
        user: SeedUser(id: 3001, firstName: "Anna", lastName: "Ivanova", nickname: "anna", email: "anna@example.com",
                       phoneNumber: "+79001234567", department: "Engineering", title: "Engineer", listTags: ["Backend", "Old"]),
        properties: ["Город": "Санкт-Петербург", "Этаж": "5"])

    static func start(_ configure: @escaping (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> Harness {
        let h = try await Harness.start { c in
            c.customProperties = properties
            c.workspace = WorkspaceSeed(people: [anna], generate: 3, generatorKey: 5)
            configure(&c)
        }
        await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + WorkspaceScopes.all)
        return h
    }

    /// The `user` object of every `PUT /users/{id}` sent.
    static func personBodies(_ h: Harness) async throws -> [[String: Any]] {
        try await h.emulator.journal().filter { $0.method == "PUT" && $0.apiPath?.hasPrefix("/users/") == true
            && $0.apiPath?.split(separator: "/").count == 2 }.map { entry in
            let body = try Harness.json(try #require(entry.requestBody))
            return try #require(body["user"] as? [String: Any])
        }
    }

    @Test func onlyManagedDifferingFieldsAreSentNeverSuspendedAndEmptyClears() async throws {
        try await Self.start().use { h in
            try h.write("anna.yaml", """
                user: anna
                person:
                  title: Senior Developer
                  department: Engineering
                  phone_number: ""
                """)
            let plan = try await h.run(["plan", "--detailed-exitcode", "anna.yaml"])
            #expect(plan.exitCode == 2, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("~ person.title: \"Engineer\" → \"Senior Developer\""), "\(plan.stdout)")
            #expect(plan.stdout.contains("~ person.phone_number: \"+79001234567\" → \"\""), "\(plan.stdout)")
            #expect(!plan.stdout.contains("person.department"), "\(plan.stdout)")

            let json = try Harness.json(try await h.run(["plan", "--json", "anna.yaml"]).stdout)
            let change = try #require((json["changes"] as? [[String: Any]])?.first)
            #expect(change["resource"] as? String == "person")
            #expect(change["action"] as? String == "update")
            #expect(change["changed_fields"] as? [String] == ["title", "phone_number"])
            #expect((change["before"] as? [String: Any])?["title"] as? String == "Engineer")
            #expect((change["after"] as? [String: Any])?["phone_number"] as? String == "")

            await h.emulator.resetJournal()
            let apply = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(await h.writes() == ["PUT /users/3001"])
            let body = try #require(try await Self.personBodies(h).first)
            #expect(Set(body.keys) == ["title", "phone_number"], "\(body)")
            #expect(body["suspended"] == nil)
            let stored = try #require(await h.emulator.person(id: 3001))
            #expect(stored.user.title == "Senior Developer")
            #expect(stored.user.phoneNumber == "")
            #expect(stored.user.firstName == "Anna" && stored.user.listTags == ["Backend", "Old"], "absent keys untouched")
            #expect(stored.properties == ["Город": "Санкт-Петербург", "Этаж": "5"])

            await h.emulator.resetJournal()
            let again = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
            #expect(await h.writes().isEmpty, "a second apply writes nothing")
        }
    }

    @Test func customPropertiesByNameWithTypeErrorsLocatedBeforeAnyWrite() async throws {
        try await Self.start().use { h in
            try h.write("anna.yaml", """
                user: anna
                person:
                  title: Lead
                  custom_properties:
                    Горд: Москва
                    Дата рождения: 1990-13-01
                    Этаж: пятый
                    Сайт: not a link
                """)
            let r = try await h.run(["plan", "anna.yaml"])
            #expect(r.exitCode == 1, "\(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("anna.yaml:5:5: error: person.custom_properties.Горд: no such custom property"), "\(r.stderr)")
            #expect(r.stderr.contains("did you mean 'Город'?"), "\(r.stderr)")
            #expect(r.stderr.contains("anna.yaml:6:20: error: person.custom_properties.Дата рождения: expected a date YYYY-MM-DD"), "\(r.stderr)")
            #expect(r.stderr.contains("anna.yaml:7:11: error: person.custom_properties.Этаж: expected a number"), "\(r.stderr)")
            #expect(r.stderr.contains("anna.yaml:8:11: error: person.custom_properties.Сайт: expected a link"), "\(r.stderr)")
            let apply = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(apply.exitCode == 1)
            #expect(await h.writes().isEmpty)
            #expect(await h.apiCalls().filter { $0.hasPrefix("GET /custom_properties") }.count == 2, "one read per run")

            try h.write("anna.yaml", """
                user: anna
                person:
                  custom_properties:
                    Город: Москва
                    Дата рождения: 1990-05-01
                """)
            await h.emulator.resetJournal()
            let ok = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(ok.exitCode == 0, "\(ok.stdout)\(ok.stderr)")
            let body = try #require(try await Self.personBodies(h).first)
            #expect(Set(body.keys) == ["custom_properties"], "\(body)")
            let sent = try #require(body["custom_properties"] as? [[String: Any]])
            let byID = Dictionary(uniqueKeysWithValues: sent.map { ($0["id"] as? Int ?? 0, $0["value"] as? String ?? "") })
            #expect(byID == [11: "Москва", 12: "1990-05-01", 13: "5"], "the complete list: the unmanaged Этаж too")
            await h.emulator.resetJournal()
            #expect(try await h.run(["plan", "--detailed-exitcode", "anna.yaml"]).exitCode == 0)
        }
    }

    @Test(arguments: [ListUpdateMode.merge, .replace])
    func completeListsConvergeWhetherTheAPIMergesOrReplaces(mode: ListUpdateMode) async throws {
        try await Self.start { $0.listUpdates = mode }.use { h in
            try h.write("anna.yaml", """
                user: anna
                person:
                  tags: [Backend, Old, Oncall]
                  custom_properties:
                    Город: Москва
                """)
            let apply = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(apply.exitCode == 0, "\(mode): \(apply.stdout)\(apply.stderr)")
            let body = try #require(try await Self.personBodies(h).first)
            #expect(body["list_tags"] as? [String] == ["Backend", "Old", "Oncall"])
            let stored = try #require(await h.emulator.person(id: 3001))
            #expect(Set(stored.user.listTags) == ["Backend", "Old", "Oncall"], "\(mode)")
            #expect(stored.properties == ["Город": "Москва", "Этаж": "5"], "\(mode): the unmanaged property is kept")
            await h.emulator.resetJournal()
            #expect(try await h.run(["plan", "--detailed-exitcode", "anna.yaml"]).exitCode == 0)
        }
    }

    @Test func aTagTheAPIWillNotRemoveIsNotConverged() async throws {
        try await Self.start { c in
            c.listUpdates = .replace
            c.stickyTags = ["Old"]
        }.use { h in
            try h.write("anna.yaml", "user: anna\nperson:\n  tags: [Backend]\n")
            let apply = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(apply.exitCode == 1, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("Did not converge: person.tags: sent [\"Backend\"], the API returned [\"Backend\", \"Old\"]"),
                    "\(apply.stdout)")
            let json = try Harness.json(try await h.run(["apply", "--auto-approve", "--json", "anna.yaml"]).stdout)
            let problem = try #require((json["did_not_converge"] as? [[String: Any]])?.first)
            #expect(problem["field"] as? String == "person.tags")
        }
    }

    @Test func theWorkspaceOwnersRecordIsRefusedByName() async throws {
        try await Self.start { $0.workspaceOwnerID = 3001 }.use { h in
            try h.write("anna.yaml", "user: anna\nperson:\n  title: CEO\n")
            let apply = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(apply.exitCode == 3, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("Anna Ivanova (@anna, id 3001)"), "\(apply.stdout)")
            #expect(apply.stdout.contains("workspace owner's record can only be edited by the owner"), "\(apply.stdout)")
        }
    }

    @Test func aMissingUpdateScopeFailsBeforeAnyWrite() async throws {
        try await Self.start().use { h in
            await h.emulator.setTokenScopes(token: h.token, scopes: EmulatorConfiguration.allProfileScopes + [WorkspaceScopes.read])
            try h.write("anna.yaml", "user: anna\nperson:\n  title: CEO\n")
            let apply = try await h.run(["apply", "--auto-approve", "anna.yaml"])
            #expect(apply.exitCode == 3, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stderr.contains("users:update"), "\(apply.stderr)")
            #expect(await h.writes().isEmpty)
        }
    }

    @Test func exportWithPersonRoundTripsAndTheOwnerUsesTheSameEndpoint() async throws {
        try await Self.start { c in
            c.user.title = "Founder"
            c.user.department = "Board"
            c.user.listTags = ["Leads", "true"]
            c.customProperties[0].value = "Казань"
            c.customProperties[1].value = "1985-02-03"
        }.use { h in
            let export = try await h.run(["export", "--person", "-o", "me.yaml"])
            #expect(export.exitCode == 0, "\(export.stderr)")
            let text = try String(contentsOf: h.directory.appendingPathComponent("me.yaml"), encoding: .utf8)
            #expect(text.contains("person:") && text.contains("Founder") && text.contains("Казань"), "\(text)")
            let plan = try await h.run(["plan", "--detailed-exitcode", "me.yaml"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\(plan.stderr)\n\(text)")

            try h.write("me.yaml", text.replacingOccurrences(of: "Founder", with: "Chair"))
            await h.emulator.resetJournal()
            let apply = try await h.run(["apply", "--auto-approve", "me.yaml"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(await h.writes() == ["PUT /users/1001"])
            #expect(await h.emulator.person(id: 1001)?.user.title == "Chair")
        }
    }

    @Test(.enabled(if: SchemaValidator.available || SchemaValidator.isCI,
                   "python3 with jsonschema is not installed (pip install jsonschema); .ci/run installs it"))
    func personDocumentsMatchTheirSchemasAndASavedPlanApplies() async throws {
        try #require(SchemaValidator.available, "jsonschema must be installed under CI=true")
        try await Self.start().use { h in
            try h.write("anna.yaml", """
                user: anna
                person:
                  title: Lead
                  tags: [Backend]
                  custom_properties: {Город: Москва, Этаж: "7"}
                """)
            let plan = try await h.run(["plan", "--json", "--out", "anna.plan.json", "anna.yaml"])
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            let saved = try String(contentsOfFile: h.path("anna.plan.json"), encoding: .utf8)
            let apply = try await h.run(["apply", "--json", "--plan", "anna.plan.json"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\(apply.stderr)\n\(saved)")
            #expect(await h.writes() == ["PUT /users/3001"])
            let problems = try SchemaValidator.problems([("plan", "person plan", plan.stdout), ("saved-plan", "person saved plan", saved),
                                                         ("apply", "person apply", apply.stdout)])
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            let applied = try #require((try Harness.json(apply.stdout)["applied"] as? [[String: Any]])?.first)
            #expect(applied["resource"] as? String == "person")
        }
    }
}
