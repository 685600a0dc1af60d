import Foundation
import ProfileCore
import Testing

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every padding boundary (55, 56, 63, 64, 119 … bytes) against the system's sha256sum.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum"), "sha256sum is missing"))
    func agreesWithSha256sum() throws {
        let tool = "/usr/bin/sha256sum"
        var rng = SplitMix64(seed: 7)
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
            try Data(bytes).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = [url.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let expected = String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init)
            #expect(SHA256.hex(bytes) == expected, "length \(length)")
        }
    }
}

@Suite struct ImageSnifferTests {
    @Test func magicBytes() {
        #expect(ImageSniffer.format(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(ImageSniffer.format(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageSniffer.format(of: Array("GIF87a...".utf8)) == .gif)
        #expect(ImageSniffer.format(of: Array("GIF89a...".utf8)) == .gif)
        #expect(ImageSniffer.format(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(ImageSniffer.format(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8)) == nil)
        #expect(ImageSniffer.format(of: [0x89, 0x50, 0x4E, 0x47]) == nil)
        #expect(ImageSniffer.format(of: []) == nil)
        #expect(ImageSniffer.format(of: Array("<svg xmlns=".utf8)) == nil)
    }

    @Test func extensions() {
        #expect(ImageSniffer.format(forExtensionOf: "a/b.PNG") == .png)
        #expect(ImageSniffer.format(forExtensionOf: "b.jpeg") == .jpeg)
        #expect(ImageSniffer.format(forExtensionOf: "b.jpg") == .jpeg)
        #expect(ImageSniffer.format(forExtensionOf: "dir.png/file") == nil)
        #expect(ImageSniffer.format(forExtensionOf: "noext") == nil)
    }
}
