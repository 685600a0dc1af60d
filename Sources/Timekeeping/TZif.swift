/// RFC 8536 TZif files (versions 1, 2 and 3), as found under `/usr/share/zoneinfo`, parsed
/// into `ZoneRules`. Pure: the caller reads the bytes. Hostile bytes are refused with a
/// reason, never a crash: every count is checked against the bytes that are really there.
public enum TZif {
    /// A real zone file is a few kilobytes; anything far larger is not one.
    public static let maxBytes = 256 * 1024

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case notTZif
        case truncated
        case invalid(String)
        case badFooter(String)

        public var description: String {
            switch self {
            case .notTZif: "not a TZif file"
            case .truncated: "the TZif data is truncated"
            case .invalid(let why): "invalid TZif data: \(why)"
            case .badFooter(let why): "invalid TZ string in the TZif footer: \(why)"
            }
        }
    }

    public static func parse(_ bytes: [UInt8], name: String) throws(ParseError) -> ZoneRules {
        guard bytes.count <= maxBytes else { throw .invalid("larger than \(maxBytes) bytes") }
        var reader = Reader(bytes: bytes)
        let first = try reader.header()
        if first.version == 0 {
            let block = try reader.dataBlock(first, timeSize: 4)
            return try rules(name: name, block: block, footer: nil)
        }
        // Version 2+: skip the 32-bit block, read the 64-bit one and the footer.
        try reader.skip(first.blockSize(timeSize: 4))
        let second = try reader.header()
        let block = try reader.dataBlock(second, timeSize: 8)
        let footer = try reader.footer()
        return try rules(name: name, block: block, footer: footer)
    }

    static func rules(name: String, block: DataBlock, footer: String?) throws(ParseError) -> ZoneRules {
        var rule: POSIXRule?
        if let footer, !footer.isEmpty {
            do { rule = try POSIXRule.parse(footer) } catch { throw .badFooter("\(footer): \(error.reason)") }
        }
        return ZoneRules(name: name, transitions: block.times, transitionTypes: block.typeIndices,
                         types: block.types, footer: rule)
    }

    struct Header {
        var version: Int
        var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int

        func blockSize(timeSize: Int) -> Int {
            timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt
        }
    }

    struct DataBlock {
        var times: [Int64]
        var typeIndices: [UInt8]
        var types: [ZoneRules.LocalTimeType]
    }

    struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func take(_ n: Int) throws(ParseError) -> ArraySlice<UInt8> {
            guard n >= 0, at <= bytes.count - n else { throw .truncated }
            defer { at += n }
            return bytes[at..<(at + n)]
        }

        mutating func skip(_ n: Int) throws(ParseError) { _ = try take(n) }

        mutating func int32() throws(ParseError) -> Int32 {
            let b = try take(4)
            let u = b.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return Int32(bitPattern: u)
        }

        mutating func int64() throws(ParseError) -> Int64 {
            let b = try take(8)
            let u = b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Int64(bitPattern: u)
        }

        mutating func header() throws(ParseError) -> Header {
            guard bytes.count - at >= 44 else { throw at == 0 ? .notTZif : .truncated }
            guard Array(try take(4)) == Array("TZif".utf8) else { throw .notTZif }
            let v = try take(1).first!
            let version: Int
            switch v {
            case 0: version = 0
            case UInt8(ascii: "2"): version = 2
            case UInt8(ascii: "3"), UInt8(ascii: "4"): version = 3  // 4 only adds leap-second table rules
            default: throw .invalid("unknown version byte \(v)")
            }
            try skip(15)
            var counts: [Int] = []
            for _ in 0..<6 {
                let c = try int32()
                guard c >= 0, c <= 1 << 20 else { throw .invalid("implausible count \(c)") }
                counts.append(Int(c))
            }
            let h = Header(version: version, isutcnt: counts[0], isstdcnt: counts[1], leapcnt: counts[2],
                           timecnt: counts[3], typecnt: counts[4], charcnt: counts[5])
            guard h.typecnt >= 1, h.typecnt <= 256 else { throw .invalid("typecnt \(h.typecnt)") }
            guard h.charcnt >= 1 else { throw .invalid("charcnt is 0") }
            guard h.isutcnt == 0 || h.isutcnt == h.typecnt else { throw .invalid("isutcnt \(h.isutcnt)") }
            guard h.isstdcnt == 0 || h.isstdcnt == h.typecnt else { throw .invalid("isstdcnt \(h.isstdcnt)") }
            return h
        }

        mutating func dataBlock(_ h: Header, timeSize: Int) throws(ParseError) -> DataBlock {
            guard h.blockSize(timeSize: timeSize) <= bytes.count - at else { throw .truncated }
            var times: [Int64] = []
            times.reserveCapacity(h.timecnt)
            for _ in 0..<h.timecnt {
                let t = timeSize == 4 ? Int64(try int32()) : try int64()
                if let last = times.last, t <= last { throw .invalid("transition times are not ascending") }
                times.append(t)
            }
            let indices = Array(try take(h.timecnt))
            if let bad = indices.first(where: { Int($0) >= h.typecnt }) { throw .invalid("transition type \(bad) out of range") }
            var raw: [(Int32, Bool, Int)] = []
            for _ in 0..<h.typecnt {
                let utoff = try int32()
                let isdst = try take(1).first!
                let idx = Int(try take(1).first!)
                guard utoff != Int32.min, abs(utoff) <= 26 * 3600 else { throw .invalid("UT offset \(utoff) out of range") }
                guard isdst <= 1 else { throw .invalid("isdst \(isdst)") }
                guard idx < h.charcnt else { throw .invalid("designation index out of range") }
                raw.append((utoff, isdst == 1, idx))
            }
            let chars = Array(try take(h.charcnt))
            let types = raw.map { utoff, isdst, idx in
                let end = chars[idx...].firstIndex(of: 0) ?? chars.count
                return ZoneRules.LocalTimeType(utcOffset: Int(utoff), isDST: isdst,
                                               abbreviation: String(decoding: chars[idx..<end], as: UTF8.self))
            }
            try skip(h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt)
            return DataBlock(times: times, typeIndices: indices, types: types)
        }

        /// `\nTZ-string\n` after the version 2+ data.
        mutating func footer() throws(ParseError) -> String? {
            guard at < bytes.count else { return nil }  // tolerated: some writers omit it
            guard bytes[at] == 0x0A else { throw .invalid("footer does not start with a newline") }
            guard let end = bytes[(at + 1)...].firstIndex(of: 0x0A) else { throw .truncated }
            let text = bytes[(at + 1)..<end]
            guard text.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { throw .badFooter("not printable ASCII") }
            at = end + 1
            return String(decoding: text, as: UTF8.self)
        }
    }
}
