import Synchronization
import TKConsole

/// Shows a download's progress as a byte-counting `ProgressBar`.
///
/// The bar is made on the first report, once the resume offset is known, so a resumed download
/// shows the bytes it already had without counting them toward the rate. A restart (a server
/// that ignored the range) simply lowers the count, which the bar handles.
final class DownloadProgressDisplay: Sendable {
    private let label: String
    private let console: ConsoleOutput
    private let bar = Mutex<ProgressBar?>(nil)

    init(label: String, console: ConsoleOutput) {
        self.label = label
        self.console = console
    }

    /// The handler to give the downloader; nil when the console is silent.
    var handler: (@Sendable (DownloadProgress) -> Void)? {
        guard !console.isSilent else { return nil }
        return { [self] progress in
            let current = bar.withLock { bar -> ProgressBar in
                if let bar { return bar }
                let created = ProgressBar(
                    label: label, total: progress.total, completed: progress.resumedFrom, unit: .bytes, output: console
                )
                bar = created
                return created
            }
            current.update(completed: progress.completed, total: progress.total)
        }
    }

    func finish(_ outcome: String) {
        bar.withLock { $0?.finish(outcome) }
    }
}
