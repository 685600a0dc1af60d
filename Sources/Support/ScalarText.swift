// Searching and replacing text by Unicode scalars, for escaping and for finding ASCII markers.
//
// Swift compares strings by characters (grapheme clusters), and "\r\n" is one character: so
// `"a\r\nb".contains("\n")` is false and `replacing("\n", with: "%0A")` leaves a CRLF in place.
// An escaper must see every CR and LF, and a token must be found whatever follows it, so these
// work on scalars. (They also keep `_StringProcessing`, whose `contains`/`replacing`/`firstRange`
// these replace, out of the run: less code mapped.)

extension StringProtocol {
    /// The first occurrence of `needle`, compared scalar by scalar; nil for an empty needle.
    public func firstScalarRange(of needle: some StringProtocol) -> Range<Index>? {
        let haystack = unicodeScalars
        let pattern = Array(needle.unicodeScalars)
        guard let first = pattern.first else { return nil }
        var start = haystack.startIndex
        while let candidate = haystack[start...].firstIndex(of: first) {
            var position = candidate
            var matched = 0
            while matched < pattern.count, position != haystack.endIndex, haystack[position] == pattern[matched] {
                haystack.formIndex(after: &position)
                matched += 1
            }
            if matched == pattern.count { return candidate..<position }
            start = haystack.index(after: candidate)
        }
        return nil
    }

    /// Whether `needle` occurs, compared scalar by scalar ("\n" is found inside "\r\n").
    public func containsScalars(_ needle: some StringProtocol) -> Bool {
        firstScalarRange(of: needle) != nil
    }

    /// Every occurrence of `target` replaced by `replacement`, left to right, compared scalar by
    /// scalar. An empty target changes nothing.
    public func replacingScalars(_ target: some StringProtocol, with replacement: some StringProtocol) -> String {
        var out = String.UnicodeScalarView()
        var rest = self[...]
        while let found = rest.firstScalarRange(of: target) {
            out.append(contentsOf: rest.unicodeScalars[rest.startIndex..<found.lowerBound])
            out.append(contentsOf: replacement.unicodeScalars)
            rest = rest[found.upperBound...]
        }
        out.append(contentsOf: rest.unicodeScalars)
        return String(out)
    }
}

extension String {
    /// The text cut at every LF scalar (a CR before it stays with the line), empty pieces kept.
    public func linesByScalars() -> [Substring] {
        var lines: [Substring] = []
        var rest = self[...]
        while let newline = rest.unicodeScalars.firstIndex(of: "\n") {
            lines.append(rest[rest.startIndex..<newline])
            rest = rest[rest.unicodeScalars.index(after: newline)...]
        }
        lines.append(rest)
        return lines
    }
}

extension Collection where Element: Equatable {
    /// Whether `pattern` occurs as a contiguous run of elements (bytes of a `Data`, say).
    public func containsRun(_ pattern: some Collection<Element>) -> Bool {
        guard let first = pattern.first else { return true }
        var start = startIndex
        while let candidate = self[start...].firstIndex(of: first) {
            if self[candidate...].starts(with: pattern) { return true }
            start = index(after: candidate)
        }
        return false
    }
}
