import ArgumentParser
import Dispatch
import Foundation
import PachcaEmulator

/// `pachca-emulator`: a local Pachca profile API for tests, `make demo` and offline rehearsals.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pachca-emulator",
        abstract: "A local, spec-faithful Pachca API for the profile endpoints.",
        discussion: """
            Prints two lines on stdout, `base_url=http://HOST:PORT/api/shared/v1` and `token=TOKEN`, \
            then serves until SIGINT or SIGTERM. Test knobs live under http://HOST:PORT/__emulator/.
            """)

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: UInt16 = 0

    @Option(help: "Address to bind (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(help: "JSON file with an EmulatorConfiguration; every key optional.")
    var seed: String?

    @Option(help: "Append every served request to this file as JSON lines.")
    var journal: String?

    @Option(name: .customLong("latency-ms"), help: "Latency added to every API request, in milliseconds.")
    var latencyMs: Int?

    @Option(name: .customLong("rate-limit"), help: "Requests per second per token (0: unlimited; default 50).")
    var rateLimit: Int?

    @Option(name: .customLong("avatar-url-naming"), help: "keep: image_url keeps the uploaded file name; random: a random name.")
    var avatarURLNaming: String?

    @Option(name: .customLong("status-linger"), help: "Seconds an expired status is still returned (default 5).")
    var statusLinger: Double?

    @Flag(name: .customLong("echo-emoji-without-variation-selectors"), help: "Echo emoji with U+FE0F/U+FE0E stripped.")
    var stripEmojiSelectors = false

    @Flag(name: .customLong("echo-title-trimmed"), help: "Echo titles with surrounding spaces trimmed (a normalization the tool does not know).")
    var trimTitles = false

    @Option(name: .customLong("token-scopes"), help: "Comma-separated scopes for the printed token (default: all profile scopes and custom_properties:read).")
    var tokenScopes: String?

    @Option(name: .customLong("fault"), help: "Arm a fault: \"METHOD PATH KIND [COUNT]\"; KIND is a status (500, 502, 503), drop, 429[=RETRY-AFTER] (any text, e.g. 0, -5, soon), latency=MS, or a hostile server: trickle[=MS], hang, huge-body[=BYTES], endless-chunks, gzip-bomb; METHOD may be *. Repeatable.")
    var faults: [String] = []

    func run() async throws {
        var config = EmulatorConfiguration()
        if let seed {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: seed)) } catch {
                throw ValidationError("cannot read seed file \(seed): \(error.localizedDescription)")
            }
            do { config = try EmulatorConfiguration.decode(seedJSON: data) } catch {
                throw ValidationError("invalid seed file \(seed): \(error)")
            }
        }
        if let latencyMs { config.latencyMilliseconds = latencyMs }
        if let rateLimit { config.rateLimitPerSecond = rateLimit }
        if let statusLinger { config.statusLinger = statusLinger }
        if stripEmojiSelectors { config.echoEmojiWithoutVariationSelectors = true }
        if trimTitles { config.echoTitleTrimmed = true }
        if let avatarURLNaming {
            switch avatarURLNaming.lowercased() {
            case "keep": config.avatarURLNaming = .keepFileName
            case "random": config.avatarURLNaming = .random
            default: throw ValidationError("--avatar-url-naming must be keep or random")
            }
        }
        for spec in faults { config.faults.append(try Self.parseFault(spec)) }
        if let tokenScopes {
            let scopes = tokenScopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if config.tokens.isEmpty {
                config.tokens = [TokenGrant(token: EmulatorConfiguration.demoToken, scopes: scopes)]
            } else {
                config.tokens[0].scopes = scopes
            }
        }

        var sink: (@Sendable (JournalEntry) -> Void)?
        if let journal {
            let writer = try JournalWriter(path: journal)
            sink = { writer.append($0) }
        }

        let emulator = Emulator(configuration: config, journalSink: sink)
        let base = try await emulator.start(host: host, port: port)
        let token = config.tokens.first?.token ?? ""
        FileHandle.standardOutput.write(Data("base_url=\(base.absoluteString)\ntoken=\(token)\n".utf8))
        FileHandle.standardError.write(Data("pachca-emulator: serving \(base.absoluteString) (control: \(emulator.origin.absoluteString)/__emulator/); stop with Ctrl-C\n".utf8))

        let signal = await SignalWaiter.waitForTermination()
        await emulator.stop()
        FileHandle.standardError.write(Data("pachca-emulator: stopped (signal \(signal))\n".utf8))
    }

    /// `METHOD PATH KIND [COUNT]`, e.g. `PUT /profile/status 503 2`, `* /profile drop`, `GET /profile latency=300 5`.
    static func parseFault(_ spec: String) throws -> FaultRule {
        let f = spec.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard f.count == 3 || f.count == 4 else { throw ValidationError("--fault \"\(spec)\": expected METHOD PATH KIND [COUNT]") }
        let count = f.count == 4 ? Int(f[3]) : 1
        guard let count, count > 0 else { throw ValidationError("--fault \"\(spec)\": COUNT must be a positive integer") }
        let kind = f[2].lowercased()
        let fault: Fault
        if kind == "drop" {
            fault = .drop
        } else if kind == "429" || kind.hasPrefix("429=") {
            let text = kind == "429" ? "1" : String(kind.dropFirst(4))
            fault = Int(text).map { .rateLimited(retryAfter: $0) } ?? .rateLimitedText(retryAfter: text)
        } else if kind == "trickle" || kind.hasPrefix("trickle=") {
            guard let ms = kind == "trickle" ? 2000 : Int(kind.dropFirst(8)) else { throw ValidationError("--fault \"\(spec)\": bad trickle=MS") }
            fault = .trickle(ms: ms)
        } else if kind == "hang" {
            fault = .hang
        } else if kind == "huge-body" || kind.hasPrefix("huge-body=") {
            guard let bytes = kind == "huge-body" ? 2 << 30 : Int(kind.dropFirst(10)) else { throw ValidationError("--fault \"\(spec)\": bad huge-body=BYTES") }
            fault = .hugeBody(bytes: bytes)
        } else if kind == "endless-chunks" {
            fault = .endlessChunks
        } else if kind == "gzip-bomb" {
            fault = .gzipBomb
        } else if kind.hasPrefix("latency=") {
            guard let ms = Int(kind.dropFirst(8)) else { throw ValidationError("--fault \"\(spec)\": bad latency=MS") }
            fault = .latency(ms: ms)
        } else if let code = Int(kind), (400...599).contains(code) {
            fault = .status(code)
        } else {
            throw ValidationError("--fault \"\(spec)\": KIND must be a status code, drop, 429[=RETRY-AFTER], latency=MS, trickle[=MS], hang, huge-body[=BYTES], endless-chunks or gzip-bomb")
        }
        return FaultRule(fault: fault, method: f[0] == "*" ? nil : f[0], path: f[1], count: count)
    }
}

/// Appends journal entries as JSON lines.
final class JournalWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ValidationError("cannot create journal file \(path)")
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
    }

    func append(_ entry: JournalEntry) {
        lock.withLock { handle.write(Data((entry.jsonLine() + "\n").utf8)) }
    }
}

/// Waits for SIGINT or SIGTERM through dispatch sources (signal handlers proper cannot run Swift code safely).
final class SignalWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Int32, Never>?
    private var sources: [any DispatchSourceSignal] = []

    static func waitForTermination() async -> Int32 {
        let waiter = SignalWaiter()
        return await withCheckedContinuation { cont in
            waiter.arm(cont)
        }
    }

    private func arm(_ cont: CheckedContinuation<Int32, Never>) {
        lock.withLock { continuation = cont }
        let queue = DispatchQueue(label: "pachca-emulator.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [self] in fire(sig) }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    private func fire(_ sig: Int32) {
        let cont: CheckedContinuation<Int32, Never>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        cont?.resume(returning: sig)
    }
}


