import FlyingFox
import FlyingSocks
import Foundation

/// Response bodies of the hostile faults, produced while they are sent: the emulator never
/// holds a huge body in memory, and stops producing when the client hangs up.
enum StreamedBody: Sendable {
    /// One byte every `ms` milliseconds, `total` announced in `Content-Length`.
    case trickle(ms: Int, total: Int)
    /// JSON-looking filler: `total` bytes with a `Content-Length`, or endless chunks when nil.
    case filler(total: Int?)
    /// A gzip stream of zeros: ~2 MB on the wire, ~400 MB inflated (chunked).
    case gzipBomb

    var sequence: HTTPBodySequence {
        switch self {
        case .trickle(let ms, let total):
            let stream = GeneratedBytes { index in
                guard index < total else { return nil }
                if index > 0 { try? await Task.sleep(nanoseconds: UInt64(max(1, ms)) * 1_000_000) }
                return [index == 0 ? UInt8(ascii: "{") : UInt8(ascii: " ")]
            }
            return HTTPBodySequence(from: stream, count: total, suggestedBufferSize: 1)
        case .filler(let total):
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 64 * 1024)
            let chunks = total.map { ($0 + chunk.count - 1) / chunk.count }
            let stream = GeneratedBytes { index in
                if let chunks, index >= chunks { return nil }
                if let total, index == chunks! - 1 { return Array(chunk.prefix(total - index * chunk.count)) }
                return index == 0 ? [UInt8(ascii: "{")] + chunk.dropFirst() : chunk
            }
            if let total { return HTTPBodySequence(from: stream, count: total, suggestedBufferSize: chunk.count) }
            return HTTPBodySequence(from: stream, suggestedBufferSize: chunk.count)
        case .gzipBomb:
            let body = GzipBomb.body
            let piece = 64 * 1024
            let stream = GeneratedBytes { index in
                let start = index * piece
                guard start < body.count else { return nil }
                return Array(body[start..<min(body.count, start + piece)])
            }
            return HTTPBodySequence(from: stream, suggestedBufferSize: piece)
        }
    }
}

/// A gzip member whose deflate data is one fixed-Huffman block: a literal zero, then
/// back-references of 258 bytes at distance 1 (13 bits each, ~160:1). Built by hand: the
/// emulator has no zlib, and a bomb needs no compressor.
enum GzipBomb {
    static let body: [UInt8] = make(wireBytes: 2 * 1024 * 1024)

    static func make(wireBytes: Int) -> [UInt8] {
        var head = BitWriter()
        head.write(1, count: 1)  // BFINAL
        head.write(1, count: 2)  // BTYPE 01: fixed Huffman
        head.writeCode(0b0011_0000, length: 8)  // literal 0
        head.writeMatch()  // 3 + 8 + 13 bits: byte-aligned after one match
        var eight = BitWriter()
        for _ in 0..<8 { eight.writeMatch() }  // 104 bits: a 13-byte pattern that repeats
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]  // magic, deflate, no flags, no mtime, unknown OS
        out += head.bytes
        out.reserveCapacity(wireBytes + 13)
        while out.count < wireBytes { out += eight.bytes }
        return out  // no end-of-block and no trailer: the client must stop long before
    }

    struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt32 = 0
        var filled = 0

        /// Header fields and extra bits: least significant bit first.
        mutating func write(_ value: UInt32, count: Int) {
            for i in 0..<count { push((value >> UInt32(i)) & 1) }
        }

        /// Length code 285 (258 bytes), then distance code 0 (distance 1).
        mutating func writeMatch() {
            writeCode(0b1100_0101, length: 8)
            writeCode(0, length: 5)
        }

        /// Huffman codes: most significant bit first.
        mutating func writeCode(_ code: UInt32, length: Int) {
            for i in stride(from: length - 1, through: 0, by: -1) { push((code >> UInt32(i)) & 1) }
        }

        private mutating func push(_ bit: UInt32) {
            current |= bit << UInt32(filled)
            filled += 1
            if filled == 8 {
                bytes.append(UInt8(current))
                current = 0
                filled = 0
            }
        }
    }
}

/// An async byte sequence made by a producer of chunks (`nil` ends it).
struct GeneratedBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let produce: @Sendable (Int) async -> [UInt8]?

    func makeAsyncIterator() -> Iterator { Iterator(produce: produce) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        let produce: @Sendable (Int) async -> [UInt8]?
        var index = 0
        var pending: [UInt8] = []
        var position = 0

        mutating func next() async throws -> UInt8? {
            try await nextBuffer(suggested: 1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            while position >= pending.count {
                try Task.checkCancellation()
                guard let chunk = await produce(index) else { return nil }
                index += 1
                pending = chunk
                position = 0
            }
            let end = Swift.min(pending.count, position + Swift.max(1, count))
            defer { position = end }
            return Array(pending[position..<end])
        }
    }
}
