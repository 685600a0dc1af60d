import ArgumentParser
import Support
import Dispatch
import Synchronization
import PachcaAPI
import ProfileApply
import ProfileCore
import ProfileRender

/// `watch`: the long-running reconciler (docs/watch.md). Each cycle is exactly one
/// `apply --auto-approve` of the run — files read, planned, applied — then it sleeps until the
/// earliest change of any profile's desired state or the interval. A failed cycle is logged
/// and retried with backoff; only a configuration the process cannot run with ends it.
struct WatchCommand: AsyncParsableCommand, JSONReporting {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep profiles equal to their files until stopped: apply each window on time, revert drift.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Desired-state files and directories, re-read every cycle.", completion: .file())
    var files: [String]

    @Option(name: .customLong("target"), help: "Watch only this person (email, nickname or id); repeatable.")
    var target: [String] = []

    @Option(name: .customLong("interval"), help: "Drift check: the longest sleep between cycles (seconds, or with s/m/h; default 5m).")
    var interval: String?

    @Flag(name: .customLong("json"), help: "Print one JSON object per cycle on stdout (docs/schemas/watch-cycle.schema.json).")
    var json = false
    var jsonOutput: Bool { json }

    @OptionGroup var stateDir: StateDirOption

    @Option(name: .customLong("metrics-listen"), help: "Serve /metrics and /healthz at HOST:PORT (`:9464` listens on every interface).")
    var metricsListen: String?

    @Option(name: .customLong("metrics-file"), help: "Rewrite this file with the metrics after every cycle (atomically).", completion: .file())
    var metricsFile: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give desired-state FILEs or directories to watch") }
        _ = try RunFiles.targets(target)
        _ = try intervalSeconds()
        if let metricsListen { _ = try MetricsAddress.parse(metricsListen) }
    }

    /// `--interval` in seconds: a plain decimal, or one with an `s`, `m` or `h` suffix.
    func intervalSeconds() throws -> Double {
        guard let interval else { return WatchSchedule.defaultInterval }
        let units: [(Character, Double)] = [("s", 1), ("m", 60), ("h", 3600)]
        let (text, scale) = units.first { interval.hasSuffix(String($0.0)) }
            .map { (String(interval.dropLast()), $0.1) } ?? (interval, 1)
        switch QuantitySetting.watchInterval.read(text, flag: "--interval") {
        case .success(let seconds) where QuantitySetting.watchInterval.range.contains(seconds * scale): return seconds * scale
        case .success: throw ValidationError("--interval must be between 0.1 s and 24 h (got '\(interval)')")
        case .failure(let error): throw ValidationError(error.message)
        }
    }

    func run() async throws {
        try await reportingErrors {
            let interval = try intervalSeconds()
            let targets = try RunFiles.targets(target)
            let locking = try ApplyRun.Locking.fromEnvironment()
            // What no cycle can fix (no token, a malformed URL) ends the process at once.
            let client = try global.makeClient(json: json)
            let state = WatchState(metrics: WatchMetrics(startedAt: Date(), interval: interval), client: client)
            // The metrics server serves the file: --metrics-file, or one of its own for this run.
            let temporaryMetrics = metricsListen != nil && metricsFile == nil
            let metricsPath = metricsFile ?? (temporaryMetrics ? MetricsHelper.temporaryFile() : nil)
            if let metricsPath { try SafeFile.write(text: state.metricsText(), to: metricsPath, redactor: client.configuration.redactor) }
            var helper: MetricsHelper?
            if let metricsListen, let metricsPath {
                helper = try MetricsHelper.start(try MetricsAddress.parse(metricsListen), file: metricsPath)
            }
            let stop = StopSignal(signals: [SIGTERM, SIGINT])
            var started = "watching \(files.count == 1 ? files[0] : "\(files.count) paths"); drift check every \(WatchMetricsText.number(interval)) s"
            if let helper { started += "; metrics at http://\(helper.boundAddress)/metrics" }
            Output.stderr(started)

            var failures = 0
            var number = 0
            var findings = ""
            while !stop.requested {
                number += 1
                let cycle = await runCycle(number, interval: interval, failures: failures, targets: targets,
                                           client: client, locking: locking, stop: stop, findings: &findings)
                failures = cycle.result == .failure ? failures + 1 : 0
                state.record(cycle)
                if let metricsPath {
                    do { try SafeFile.write(text: state.metricsText(), to: metricsPath, redactor: client.configuration.redactor) } catch {
                        Output.stderr("warning: cannot write the metrics file: \(error)")
                    }
                }
                Output.stderr(WatchText.line(cycle))
                if json { try Output.json(cycle) }
                await stop.sleep(until: cycle.nextWakeAt)
            }
            helper?.stop()
            if temporaryMetrics, let metricsPath { unlink(metricsPath) }
            Output.stderr("\(Timestamp.canonical(Date())) stopped (\(stop.signalName ?? "signal")); no write was left half done")
        }
    }

    /// One apply of the run. Never throws: what fails is the cycle's result. The state-record
    /// locks live in the `ApplyRun`, which ends with this function: they are held for this
    /// cycle's plan and writes only. The files' findings are printed when they differ from
    /// the last cycle's (`findings`), not every few minutes.
    private func runCycle(_ number: Int, interval: Double, failures: Int, targets: [UserReference],
                          client: PachcaClient, locking: ApplyRun.Locking, stop: StopSignal,
                          findings: inout String) async -> WatchCycle {
        let startedAt = Date()
        func finish(_ result: WatchCycle.Result, run: RunPlan?, report: RunReport?, error: CLIError?) -> WatchCycle {
            let now = Date()
            let failed = result == .failure ? failures + 1 : 0
            let next = WatchSchedule.nextWake(now: now, interval: interval, nextChangeAt: run?.nextChangeAt, failures: failed)
            let failure = error.map { WatchCycle.Failure(kind: $0.kind.rawValue, message: $0.description) }
            return WatchCycle(cycle: number, startedAt: startedAt, finishedAt: now, result: result,
                              changes: WriteCounts(report), profiles: run.map { ProfileStates(run: $0, report: report) },
                              nextChangeAt: run?.nextChangeAt, nextWakeAt: next.at, wake: next.wake, error: failure)
        }
        do {
            // An invalid file fails here, before any request: it never causes a write.
            var text = ""
            defer {
                if text != findings { Output.stderr(text, terminator: "") }
                findings = text
            }
            let set = try RunFiles.load(files, now: startedAt, noColor: global.noColor) { text = $0 }
            let (applyRun, run) = try await ApplyRun.planned(set.desired, targets: targets, client: client,
                                                             state: stateDir.location(client, override: nil), prefetchScopes: false,
                                                             now: startedAt, locking: locking)
            var report: RunReport?
            if run.hasChanges {
                // Finish a write or never start one: a stop asked for now ends before writing.
                if stop.requested { return finish(.stopped, run: run, report: nil, error: nil) }
                report = try await applyRun.execute(run, now: { Date() })
            }
            let succeeded = report?.succeeded ?? run.failures.isEmpty
            var error: CLIError?
            if !succeeded { error = CLIError.failure(Self.failureSummary(run: run, report: report)) }
            return finish(succeeded ? .success : .failure, run: run, report: report, error: error)
        } catch {
            let failure = CLIError.from(error)
            if failure.diagnosticsUnprinted {
                Output.stderr(Output.diagnosticsText(failure.diagnostics, noColorFlag: global.noColor), terminator: "")
            }
            return finish(.failure, run: nil, report: nil, error: failure)
        }
    }

    /// The first problem of a cycle that ran but did not fully succeed, and how many there were.
    static func failureSummary(run: RunPlan, report: RunReport?) -> String {
        var problems: [String] = run.failures.map { "\($0.file): \($0.failure ?? "")" }
        for (profile, result) in report?.results ?? [] where !result.succeeded {
            let first = result.failed.first.map { "\($0.0.resource.rawValue) not applied: \($0.1)" }
                ?? result.convergenceProblems.first.map { "did not converge: \($0.message)" }
                ?? result.verificationError ?? "not verified"
            problems.append("\(profile.file): \(first)")
        }
        guard let first = problems.first else { return "the cycle failed" }
        return problems.count == 1 ? first : "\(first) (and \(problems.count - 1) more)"
    }
}

/// The metrics as the cycles left them, shared with the metrics server's threads.
final class WatchState: Sendable {
    private let metrics: Mutex<WatchMetrics>
    private let client: PachcaClient

    init(metrics: WatchMetrics, client: PachcaClient) {
        self.metrics = Mutex(metrics); self.client = client
    }

    func record(_ cycle: WatchCycle) { metrics.withLock { $0.record(cycle) } }

    func metricsText(now: Date = Date()) -> String {
        let current = metrics.withLock { $0 }
        let requests = client.requestCounts.snapshot.map { (result: $0.result.rawValue, count: $0.count) }
        return WatchMetricsText.render(current, requests: requests, now: now)
    }
}

/// SIGTERM and SIGINT as a request to stop: the loop finishes (or never starts) its write,
/// then returns; sleeps end at once. Unchecked: the dispatch sources are set once, in `init`,
/// and only cancelled in `deinit`; everything that changes is in the mutex.
final class StopSignal: @unchecked Sendable {
    private struct Waiters {
        var requested = false
        var signal: String?
        var next = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<Int> = []
    }
    private let state = Mutex(Waiters())
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)  // delivered to the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (source, number) in zip(sources, signals) {
            source.setEventHandler { [weak self] in self?.request(number == SIGTERM ? "SIGTERM" : number == SIGINT ? "SIGINT" : "signal \(number)") }
            source.resume()
        }
    }

    deinit { for source in sources { source.cancel() } }

    var requested: Bool { state.withLock { $0.requested } }
    var signalName: String? { state.withLock { $0.signal } }

    func request(_ name: String) {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.requested else { return [] }
            s.requested = true; s.signal = name
            defer { s.waiting = [:] }
            return Array(s.waiting.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Sleeps until `deadline` on the wall clock (in steps of at most a minute, so a clock
    /// change is noticed) or until a stop is requested.
    func sleep(until deadline: Date) async {
        while !requested {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            let step = min(remaining, 60)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(nanoseconds: UInt64(step * 1e9)) }
                group.addTask { await self.stopped() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func stopped() async {
        let id = state.withLock { s in s.next += 1; return s.next }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.requested || s.cancelled.contains(id) { return true }
                    s.waiting[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { s in s.cancelled.insert(id); return s.waiting.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
