import Foundation
import TKStore

/// Reads a finished or partial run back from the store by id, typed by its task's result, for
/// commands that build on earlier runs (calibration of an MC run, self-evaluation of a
/// generation run) without re-running anything.
public enum StoredRunReader {
    /// - Throws: `EvaluationError` when the run does not exist, belongs to another task, holds no
    ///   items, or holds items this version cannot read.
    public static func load<Result: Decodable>(_ type: Result.Type, store: ResultStore, runID: Int64, task: String,
                                               howToMake: String) throws -> (run: StoredRun, results: [Result]) {
        guard let run = try store.run(id: runID) else {
            throw EvaluationError("there is no run \(runID) in the store; `truthkit runs list` shows the runs there are")
        }
        guard run.key.task == task else {
            throw EvaluationError("run \(runID) is a `\(run.key.task)` run; this reads `\(task)` runs, made by \(howToMake)")
        }
        let decoder = JSONDecoder()
        let results = try store.items(run: run.id).map { item in
            do {
                return try decoder.decode(Result.self, from: item.payload)
            } catch {
                throw EvaluationError("run \(runID) holds item \(item.index) in a format this version cannot read (\(error))")
            }
        }
        guard !results.isEmpty else {
            throw EvaluationError("run \(runID) has no stored items yet; run the evaluation (it resumes) and try again")
        }
        return (run, results)
    }
}
