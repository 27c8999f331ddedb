/// Where a stored run stands.
public enum RunStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Started and not yet finished: either in progress now or interrupted (a crash leaves a run
    /// here), and resumable either way.
    case running
    /// Every item recorded and a summary written; re-running it only reads the store.
    case finished
    /// Stopped by an error that was recorded; opening it again resumes it.
    case failed
}
