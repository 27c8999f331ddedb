import Synchronization

/// A progress display on stderr for long work: downloads, evaluation runs, anything countable.
///
/// On a terminal it redraws one line in place (label, bar, count/total, rate, ETA), at most once
/// per `redrawInterval` however often it is updated, so a caller may report every 16 KiB chunk
/// or every item without cost. When the output is not a terminal (a log file, CI) it writes a
/// plain line every `logInterval` instead, because carriage returns make a mess of logs.
/// `finish` always draws the final state and ends the line.
///
/// Safe to update from any thread or task; updates after `finish` are ignored.
public final class ProgressBar: Sendable {
    private struct State {
        var label: String
        var completed: Int64
        var total: Int64?
        /// The count when measuring started; the rate covers only what was done since, so a
        /// resumed download is not credited with the bytes it already had.
        var baseline: Int64
        var start: ContinuousClock.Instant
        var lastDraw: ContinuousClock.Instant?
        var lastLogLine: ContinuousClock.Instant
        var finished = false
    }

    private let unit: ProgressUnit
    private let output: ConsoleOutput
    private let redrawInterval: Duration
    private let logInterval: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    /// - Parameters:
    ///   - label: What is being counted, shown first on the line (`SmolLM2-135M…gguf`, `mc2`).
    ///   - total: The count at which the work is done; nil when unknown (no bar, no ETA).
    ///   - completed: Work already done before this display started (a resumed download); it
    ///     counts toward the total but not toward the rate.
    ///   - unit: How counts are written.
    ///   - output: Where lines go; `.standardError` unless testing.
    ///   - redrawInterval: The shortest time between two redraws on a terminal.
    ///   - logInterval: The time between two plain lines when the output is not a terminal.
    ///   - now: The clock, replaceable in tests.
    public init(
        label: String,
        total: Int64? = nil,
        completed: Int64 = 0,
        unit: ProgressUnit = .items,
        output: ConsoleOutput = .standardError,
        redrawInterval: Duration = .milliseconds(100),
        logInterval: Duration = .seconds(10),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        let start = now()
        self.unit = unit
        self.output = output
        self.redrawInterval = redrawInterval
        self.logInterval = logInterval
        self.now = now
        self.state = Mutex(State(
            label: label, completed: completed, total: total, baseline: completed,
            start: start, lastDraw: nil, lastLogLine: start
        ))
    }

    /// Adds `count` to the completed work.
    public func advance(by count: Int64 = 1) {
        update { $0.completed += count }
    }

    /// Sets the completed work.
    ///
    /// A count lower than before means the work started over (a download whose server ignored
    /// the resume request); the rate is then measured afresh from that point.
    public func update(completed: Int64) {
        update { $0.completed = completed }
    }

    /// Sets the completed work and the total (nil: unknown), as `update(completed:)` does.
    public func update(completed: Int64, total: Int64?) {
        update { state in
            state.completed = completed
            state.total = total
        }
    }

    /// Changes the label, e.g. to show the current file or task.
    public func setLabel(_ label: String) {
        update { $0.label = label }
    }

    /// Prints `line` on a line of its own without breaking the bar: on a terminal the bar is
    /// erased, the line written, and the bar drawn again below it.
    public func log(_ line: String) {
        state.withLock { state in
            if output.isTerminal && !state.finished && state.lastDraw != nil {
                output.write("\r\u{1B}[K" + line + "\n" + terminalLine(state, at: now(), finished: false))
            } else {
                output.write(line + "\n")
            }
        }
    }

    /// Draws the final state and ends the line. Later calls do nothing.
    ///
    /// - Parameter outcome: A word for how it ended, used on non-terminal output
    ///   (`label: done, 98.4 MiB in 0:08 (12.1 MiB/s)`); `"failed"` or `"cancelled"` read well too.
    public func finish(_ outcome: String = "done") {
        state.withLock { state in
            guard !state.finished else { return }
            state.finished = true
            let time = now()
            if output.isTerminal {
                let line = terminalLine(state, at: time, finished: true)
                output.write(outcome == "done" ? line + "\n" : line + "  " + outcome + "\n")
            } else {
                output.write(snapshot(state, at: time).summaryLine(outcome) + "\n")
            }
        }
    }

    /// The current state, for callers that show progress their own way.
    public var snapshot: ProgressSnapshot {
        state.withLock { snapshot($0, at: now()) }
    }

    private func update(_ change: (inout State) -> Void) {
        state.withLock { state in
            guard !state.finished else { return }
            change(&state)
            let time = now()
            if state.completed < state.baseline {
                state.baseline = state.completed
                state.start = time
            }
            if output.isTerminal {
                if let last = state.lastDraw, last.duration(to: time) < redrawInterval { return }
                state.lastDraw = time
                output.write(terminalLine(state, at: time, finished: false))
            } else if state.lastLogLine.duration(to: time) >= logInterval {
                state.lastLogLine = time
                output.write(snapshot(state, at: time).plainLine() + "\n")
            }
        }
    }

    private func terminalLine(_ state: State, at time: ContinuousClock.Instant, finished: Bool) -> String {
        // \r returns to column 0; ESC[K erases what a longer previous line left behind.
        "\r" + snapshot(state, at: time).terminalLine(width: output.width - 1, finished: finished) + "\u{1B}[K"
    }

    private func snapshot(_ state: State, at time: ContinuousClock.Instant) -> ProgressSnapshot {
        let elapsed = Self.seconds(state.start.duration(to: time))
        let done = state.completed - state.baseline
        let rate: Double? = elapsed > 0.05 && done > 0 ? Double(done) / elapsed : nil
        return ProgressSnapshot(
            label: state.label, completed: state.completed, total: state.total,
            unit: unit, elapsed: elapsed, rate: rate
        )
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
