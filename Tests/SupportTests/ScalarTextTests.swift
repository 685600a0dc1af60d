import Support
import Testing

@Suite struct ScalarTextTests {
    /// The reason the module exists: "\r\n" is one Character, so character-wise search and
    /// replacement miss the CR and the LF inside it.
    @Test func crlfIsSeenScalarByScalar() {
        let text = "a\r\nb"
        #expect(!text.contains("\n"))  // the standard library's view, for the record
        #expect(text.containsScalars("\n"))
        #expect(text.containsScalars("\r"))
        #expect(text.replacingScalars("\r", with: "%0D").replacingScalars("\n", with: "%0A") == "a%0D%0Ab")
    }

    @Test func replacesEveryOccurrenceLeftToRight() {
        #expect("a%b%%c".replacingScalars("%", with: "%25") == "a%25b%25%25c")
        #expect("aaaa".replacingScalars("aa", with: "b") == "bb")
        #expect("abc".replacingScalars("", with: "x") == "abc")
        #expect("".replacingScalars("a", with: "b") == "")
        #expect("x.[0].y".replacingScalars(".[", with: "[") == "x[0].y")
    }

    @Test func findsTheFirstRange() throws {
        let url = "https://user@host/path"
        let range = try #require(url.firstScalarRange(of: "://"))
        #expect(url[range] == "://")
        #expect(url[range.upperBound...] == "user@host/path")
        #expect(url.firstScalarRange(of: "") == nil)
        #expect(url.firstScalarRange(of: "ftp") == nil)
        #expect("ab".firstScalarRange(of: "abc") == nil)
        // A partial match does not hide a later full one.
        #expect("aab".firstScalarRange(of: "ab").map { "aab"[$0] } == "ab")
    }

    @Test func findsATokenFollowedByACombiningMark() {
        let token = "tok3n"
        let body = "{\"echo\":\"\(token)\u{301}\"}"
        #expect(!body.contains(token))  // the last letter and the accent make one Character
        #expect(body.containsScalars(token))
        #expect(!body.replacingScalars(token, with: "<redacted>").containsScalars(token))
    }

    @Test func worksOnSubstrings() {
        let line = "xx::yy"[...].dropFirst()
        #expect(line.containsScalars("::"))
        #expect(line.replacingScalars(":", with: "%3A") == "x%3A%3Ayy")
    }

    @Test func splitsLinesAtEveryLF() {
        #expect("a\r\n::b\nc".linesByScalars() == ["a\r", "::b", "c"])
        #expect("".linesByScalars() == [""])
        #expect("a\n".linesByScalars() == ["a", ""])
    }

    @Test func findsRunsOfBytes() {
        let bytes: [UInt8] = Array("--x--boundary--".utf8)
        #expect(bytes.containsRun(Array("boundary".utf8)))
        #expect(!bytes.containsRun(Array("boundaryy".utf8)))
        #expect(bytes.containsRun([UInt8]()))
        #expect(![UInt8]().containsRun([1]))
    }
}
