/// Where an evaluation stands, reported after every stored item (and once at the start with the
/// resumed count), so a command can draw a progress bar and a library user can log.
public struct EvaluationProgress: Sendable, Equatable {
    /// The run's label (`truthfulqa-mc`, `baseline`, `iti fold 1`, …).
    public var label: String
    /// The stored run the items go to.
    public var runID: Int64
    /// Items done, resumed ones included.
    public var completed: Int
    public var total: Int
    /// Items that were already stored when the run started.
    public var resumed: Int
    /// True once, after the last item (or when the run stops on an error).
    public var finished: Bool

    public init(label: String, runID: Int64, completed: Int, total: Int, resumed: Int, finished: Bool = false) {
        self.label = label
        self.runID = runID
        self.completed = completed
        self.total = total
        self.resumed = resumed
        self.finished = finished
    }
}

/// Receives progress; called from the evaluating task, never concurrently.
public typealias ProgressHandler = @Sendable (EvaluationProgress) -> Void
