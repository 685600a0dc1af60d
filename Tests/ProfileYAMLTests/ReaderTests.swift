import Foundation
import ProfileYAML
import Testing

@Suite struct ReaderTests {
    func root(_ text: String) throws -> YAMLNode {
        let document = YAMLReader.read(text)
        #expect(document.errors == [])
        return try #require(document.root)
    }

    func value(_ node: YAMLNode, _ key: String) -> YAMLNode? {
        node.mapping?.first { $0.key.scalar?.value == key }?.value
    }

    @Test func marksAreOneBasedAndCountCodePoints() throws {
        let r = try root("title: \"Жжж\"\nnext: 1\n")
        let entries = try #require(r.mapping)
        #expect(entries[0].key.start == Mark(line: 1, column: 1, offset: 0))
        #expect(entries[0].value.start.line == 1 && entries[0].value.start.column == 8)
        // The end mark is one past the closing quote, counted in code points (Ж is 2 bytes).
        #expect(entries[0].value.end.column == 13)
        #expect(entries[1].key.start.line == 2 && entries[1].key.start.column == 1)
        #expect(r.start.line == 1 && r.end.line == 3)
    }

    @Test func scalarStylesAndResolution() throws {
        let r = try root("""
            a: true
            b: "true"
            c: 'x'
            d: |
              line1
              line2
            e: >-
              folded
              text
            f: 0x1F
            g: ~
            h: yes
            i: !!str 12
            j: 1.5e3
            k: ! 7
            """)
        #expect(value(r, "a")?.resolved == .bool(true))
        #expect(value(r, "b")?.resolved == .string("true"))
        #expect(value(r, "b")?.scalar?.style == .doubleQuoted)
        #expect(value(r, "c")?.scalar?.style == .singleQuoted)
        #expect(value(r, "d")?.scalar == YAMLScalar(value: "line1\nline2\n", style: .literal))
        #expect(value(r, "e")?.scalar == YAMLScalar(value: "folded text", style: .folded))
        #expect(value(r, "f")?.resolved == .int(31))
        #expect(value(r, "g")?.resolved == .null)
        #expect(value(r, "h")?.resolved == .string("yes"))  // YAML 1.2 core: not a boolean
        #expect(value(r, "i")?.resolved == .string("12"))
        #expect(value(r, "j")?.resolved == .float(1500))
        #expect(value(r, "k")?.resolved == .string("7"))
    }

    @Test func aliasesExpandWithTheirOwnMarks() throws {
        let r = try root("base: &b {x: 1}\ncopy: *b\n")
        let copy = try #require(value(r, "copy"))
        #expect(copy.isAlias)
        #expect(copy.start.line == 2 && copy.start.column == 7)
        #expect(copy.mapping?.first?.value.resolved == .int(1))
        #expect(value(r, "base")?.anchor == "b")
    }

    @Test func flowAndBlockCollections() throws {
        let r = try root("- [1, 2]\n- {a: b}\n-\n  - nested\n")
        let items = try #require(r.sequence)
        #expect(items.count == 3)
        #expect(items[0].sequence?.count == 2)
        #expect(items[1].mapping?.first?.key.scalar?.value == "a")
        #expect(items[2].sequence?.first?.scalar?.value == "nested")
    }

    @Test func bomAndCRLFDoNotShiftMarks() throws {
        let plain = YAMLReader.read(Array("a: 1\nb: [x, y]\n".utf8))
        let dressed = YAMLReader.read([0xEF, 0xBB, 0xBF] + Array("a: 1\r\nb: [x, y]\r\n".utf8))
        let p = try #require(plain.root?.mapping), d = try #require(dressed.root?.mapping)
        for (x, y) in zip(p, d) {
            #expect((x.key.start.line, x.key.start.column) == (y.key.start.line, y.key.start.column))
            #expect((x.value.start.line, x.value.start.column) == (y.value.start.line, y.value.start.column))
        }
    }

    @Test func emptyInputsHaveNoRoot() {
        for text in ["", "# just a comment\n", "\n\n"] {
            let d = YAMLReader.read(text)
            #expect(d.root == nil && d.errors.isEmpty, "\(text.debugDescription)")
        }
    }

    @Test func sizeLimit() {
        let exact = [UInt8](repeating: UInt8(ascii: " "), count: YAMLLimits.maxFileBytes)
        #expect(YAMLReader.read(exact).errors.isEmpty)
        let over = YAMLReader.read(exact + [0x20])
        #expect(over.errors.map(\.kind) == [.tooLarge])
        #expect(over.errors.first?.mark == .wholeFile)
    }

    @Test func nodeLimitWithoutAliases() {
        let many = "[" + Array(repeating: "1", count: YAMLLimits.maxNodes + 1).joined(separator: ",") + "]"
        #expect(YAMLReader.read(many).errors.map(\.kind) == [.tooManyNodes])
        let fits = "[" + Array(repeating: "1", count: YAMLLimits.maxNodes - 1).joined(separator: ",") + "]"
        #expect(YAMLReader.read(fits).errors.isEmpty)
    }

    /// A huge fan-out through aliases must be refused fast, not built.
    @Test func billionLaughsFailsFast() {
        var lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
        for i in 1..<30 { lines.append("l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let started = Date()
        let d = YAMLReader.read(lines.joined(separator: "\n"))
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(d.errors.map(\.kind) == [.tooManyNodes])
        #expect(d.root == nil)
    }

    @Test func deepBlockNestingIsRefused() {
        var text = ""
        for depth in 0..<100 { text += String(repeating: "  ", count: depth) + "k\(depth):\n" }
        let d = YAMLReader.read(text + String(repeating: "  ", count: 100) + "leaf\n")
        #expect(d.errors.map(\.kind) == [.tooDeep])
        // Line n opens the mapping of depth n (its first key), so depth 65 starts on line 65.
        #expect(d.errors.first?.mark.line == 65)
    }
}

/// libyaml objects are freed on every path: reading hostile inputs many times must not grow
/// the process. Linux only (reads /proc/self/statm); a leaked parser is ~20 KB per read.
@Suite struct ReaderMemoryTests {
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * 4096
    }

    @Test(.enabled(if: residentBytes() != nil, "needs /proc/self/statm"))
    func repeatedReadsDoNotLeak() throws {
        let inputs = [
            "a: \"open\n", "a: 1\n---\nb: 2\n", "a: 1\na: 2\n", "a: *x\n", "a: !foo x\n", "a:\n\tb: 1\n",
            String(repeating: "[", count: 70), "k: &a [x, x, x, x, x, x, x, x, x, x]\nl: [*a, *a, *a]\n",
            "status:\n  emoji: \"🙂\"\n  title: |\n    block\n", "a: \"x\u{1}y\"\n",
        ].map { Array($0.utf8) } + [[0x61, 0x3A, 0x20, 0xFF]]
        for input in inputs { _ = YAMLReader.read(input) }  // warm up allocator caches
        let before = try #require(Self.residentBytes())
        for _ in 0..<3000 { for input in inputs { _ = YAMLReader.read(input) } }
        let growth = try #require(Self.residentBytes()) - before
        #expect(growth < 16 << 20, "resident memory grew by \(growth) bytes over 33000 reads")
    }
}
