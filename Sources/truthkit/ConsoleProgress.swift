import Foundation
import Synchronization
import TKConsole
import TKEvaluation

/// Draws the evaluator's progress as bars on stderr: one bar per run (baseline, each fold, judging),
/// with rate and ETA, and a line when a run resumes from the store.
final class ConsoleProgress: Sendable {
    private let bar = Mutex<ProgressBar?>(nil)

    var handler: ProgressHandler {
        { [self] p in self.update(p) }
    }

    private func update(_ p: EvaluationProgress) {
        bar.withLock { current in
            if current == nil {
                if p.resumed > 0 && !p.finished { printError("\(p.label): resuming run \(p.runID): \(p.resumed) of \(p.total) items already stored") }
                current = ProgressBar(label: p.label, total: Int64(p.total), completed: Int64(p.completed), unit: .items(named: "item"))
            } else {
                current?.update(completed: Int64(p.completed))
            }
            if p.finished {
                current?.finish()
                current = nil
            }
        }
    }
}
