import Foundation
import Testing
import TKConsole

/// `ProgressBar` and its pieces, driven by a hand-moved clock and a captured output.
@Suite struct ProgressBarTests {
    /// A clock that only moves when told to.
    private final class ManualClock: Sendable {
        private let offset = MutexBox<Duration>(.zero)
        private let origin = ContinuousClock.now

        var now: @Sendable () -> ContinuousClock.Instant {
            { [offset, origin] in origin + offset.value }
        }

        func advance(_ duration: Duration) {
            offset.mutate { $0 += duration }
        }
    }

    private func capture(terminal: Bool, width: Int = 80) -> (ConsoleOutput, MutexBox<String>) {
        let text = MutexBox("")
        return (ConsoleOutput(isTerminal: terminal, width: width) { piece in text.mutate { $0 += piece } }, text)
    }

    @Test func terminalRedrawsAreThrottled() {
        let clock = ManualClock()
        let (output, text) = capture(terminal: true)
        let bar = ProgressBar(label: "items", total: 100, output: output, redrawInterval: .milliseconds(100), now: clock.now)
        for _ in 0..<50 { bar.advance() }               // all within the same instant: one draw
        clock.advance(.milliseconds(150))
        bar.advance()                                   // a second draw
        #expect(text.value.components(separatedBy: "\r").count - 1 == 2)
        bar.finish()
        #expect(text.value.hasSuffix("\n"))
        #expect(text.value.contains("51/100 items"))
    }

    @Test func terminalLineShowsBarCountsRateAndETA() {
        let clock = ManualClock()
        let (output, text) = capture(terminal: true, width: 100)
        let bar = ProgressBar(label: "model.gguf", total: 100 << 20, unit: .bytes, output: output, now: clock.now)
        clock.advance(.seconds(2))
        bar.update(completed: 50 << 20)
        let line = text.value
        #expect(line.hasPrefix("\rmodel.gguf  ["))
        #expect(line.contains("50%"))
        #expect(line.contains("50.0/100 MiB"))
        #expect(line.contains("25.0 MiB/s"))
        #expect(line.contains("ETA 0:02"))
        #expect(line.hasSuffix("\u{1B}[K"))
        // Every drawn line fits the terminal.
        #expect(line.dropFirst().prefix { $0 != "\u{1B}" }.count < 100)
    }

    @Test func plainOutputWritesOccasionalLinesAndASummary() {
        let clock = ManualClock()
        let (output, text) = capture(terminal: false)
        let bar = ProgressBar(label: "mc2", total: 10, output: output, logInterval: .seconds(10), now: clock.now)
        for _ in 0..<4 {
            clock.advance(.seconds(3))
            bar.advance()
        }
        bar.finish()
        bar.advance()                                   // ignored after finish
        let lines = text.value.split(separator: "\n").map(String.init)
        #expect(!text.value.contains("\r"))
        #expect(lines.count == 2)
        #expect(lines[0] == "mc2: 4/10 items (40%), 3.0 s/item, ETA 0:18")
        #expect(lines[1] == "mc2: done, 4 items in 0:12 (3.0 s/item)")
    }

    @Test func resumedWorkDoesNotCountTowardTheRate() {
        let clock = ManualClock()
        let bar = ProgressBar(label: "f", total: 1000, completed: 600, unit: .bytes, output: .silent, now: clock.now)
        clock.advance(.seconds(1))
        bar.update(completed: 700)
        #expect(bar.snapshot.rate == 100)
        #expect(bar.snapshot.secondsRemaining == 3)
        // Starting over (a server that ignored the range) resets the measurement.
        bar.update(completed: 0)
        clock.advance(.seconds(2))
        bar.update(completed: 400)
        #expect(bar.snapshot.rate == 200)
    }

    @Test func logLineKeepsTheBarBelowIt() {
        let (output, text) = capture(terminal: true)
        let bar = ProgressBar(label: "run", total: 3, output: output)
        bar.advance()
        bar.log("item 1: wrong")
        #expect(text.value.contains("\r\u{1B}[Kitem 1: wrong\n\rrun"))
    }

    @Test(arguments: [
        (Int64(512), "512 B"), (Int64(1536), "1.5 KiB"), (Int64(98_362_432), "93.8 MiB"),
        (Int64(7) << 30, "7.0 GiB"), (Int64(200) << 20, "200 MiB"),
    ])
    func formatsByteCounts(count: Int64, expected: String) {
        #expect(ProgressUnit.bytes.format(count) == expected)
    }

    @Test func formatsItemsAndRates() {
        #expect(ProgressUnit.items.format(3, of: 817) == "3/817 items")
        #expect(ProgressUnit.items(named: "request").formatRate(4.25) == "4.3 requests/s")
        #expect(ProgressUnit.items.formatRate(0.5) == "2.0 s/item")
        #expect(ProgressUnit.bytes.format(1 << 20, of: 4 << 30) == "0.0/4.0 GiB")
    }

    @Test func unknownTotalHasNoBarOrETA() {
        let snapshot = ProgressSnapshot(label: "x", completed: 5, total: nil, unit: .items, elapsed: 1, rate: 5)
        let line = snapshot.terminalLine(width: 80)
        #expect(line == "x  5 items  5.0 items/s")
        #expect(snapshot.plainLine() == "x: 5 items, 5.0 items/s")
    }

    @Test func narrowTerminalDropsTheBarButKeepsNumbers() {
        let snapshot = ProgressSnapshot(label: "model", completed: 1, total: 4, unit: .items, elapsed: 1, rate: 1)
        let line = snapshot.terminalLine(width: 40)
        #expect(!line.contains("["))
        #expect(line.contains("1/4 items"))
        #expect(line.count <= 40)
    }
}
