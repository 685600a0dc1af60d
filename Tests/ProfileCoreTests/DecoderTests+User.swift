import Foundation
import ProfileCore
import Testing

/// §9: `user:` names whose profile a file describes; the decoder checks its form with a mark.
@Suite struct UserKeyDecoderTests {
    func decode(_ yaml: String) -> DecodeResult {
        DesiredStateDecoder.decode(file: "team/x.yaml", bytes: Array(yaml.utf8), now: DecoderFixtures.now, files: InMemoryFiles([:]))
    }

    @Test(arguments: [
        ("user: anna@example.com", UserReference.Kind.email, "anna@example.com"),
        ("user: anna", .nickname, "anna"),
        ("user: \"@anna\"", .nickname, "anna"),
        ("user: 'anna.ivanova_2'", .nickname, "anna.ivanova_2"),
        ("user: 1234", .id, "1234"),
        ("user: \"1234\"", .id, "1234"),
    ])
    func theThreeFormsAreRecognizedWithTheirPosition(_ line: String, _ kind: UserReference.Kind, _ value: String) throws {
        let r = decode("status: null\n\(line)\n")
        let user = try #require(r.desired?.user)
        #expect(user.kind == kind)
        #expect(user.value == value)
        #expect(user.line == 2)
        #expect(user.column == 7)
        #expect(r.diagnostics.isEmpty)
    }

    @Test func noUserKeyMeansTheTokenOwner() throws {
        #expect(try #require(decode("status: null\n").desired).user == nil)
    }

    @Test(arguments: [
        ("user: anna@", "2:7: error: user: 'anna@' is not an email address"),
        ("user: \"a b\"", "2:7: error: user: must not contain spaces or control characters"),
        ("user: \"\"", "2:7: error: user: must not be empty; omit `user:` for the token owner's own profile"),
        ("user: 0", "2:7: error: user: '0' is not a user id: ids are from 1 to 2147483647"),
        ("user: 99999999999", "2:7: error: user: '99999999999' is not a user id: ids are from 1 to 2147483647"),
        ("user: \"@an/na\"", "2:7: error: user: '@an/na' is not a nickname: after '@' use letters, digits, '.', '_' or '-'"),
        ("user: анна", "2:7: error: user: 'анна' is not an email (anna@example.com), a nickname (anna or \"@anna\") or a numeric id"),
        ("user: [anna]", "2:7: error: user: expected an email (anna@example.com), a nickname (anna or \"@anna\") or a numeric id (got sequence)"),
        ("user: true", "2:7: error: user: expected an email (anna@example.com), a nickname (anna or \"@anna\") or a numeric id (got boolean true)"),
        ("user: null", "2:7: error: user: expected an email (anna@example.com), a nickname (anna or \"@anna\") or a numeric id (got null)\n  note: omit `user:` for the token owner's own profile"),
    ])
    func aMalformedUserIsAnErrorAtItsValue(_ line: String, _ expected: String) {
        let r = decode("status: null\n\(line)\n")
        #expect(r.desired == nil)
        #expect(r.diagnostics.map(DecoderFixtures.render) == [expected])
    }

    @Test func identityComparesEmailsAndNicknamesCaseInsensitively() throws {
        let a = try UserReference.parse("Anna@Example.com").get(), b = try UserReference.parse("anna@example.com").get()
        #expect(a.identity == b.identity)
        let quoted = try UserReference.parse("@Anna").get()
        let bare = try UserReference.parse("anna").get()
        #expect(quoted.identity == bare.identity)
        #expect((try? UserReference.parse("0042").get())?.identity == "id:42")
    }
}
