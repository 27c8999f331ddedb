import Foundation

/// A run as the store holds it.
public struct StoredRun: Sendable, Equatable, Identifiable {
    /// The row id, shown by `truthkit runs list` and taken by `runs show`.
    public var id: Int64
    /// What the run evaluated.
    public var key: RunKey
    /// `key.digest` as stored.
    public var keyDigest: String
    /// Running (in progress or interrupted), finished, or failed.
    public var status: RunStatus
    /// How many items the task has.
    public var itemCount: Int
    /// How many items have a stored result.
    public var completedCount: Int
    /// The summary JSON written by `finish`, if finished.
    public var summary: Data?
    /// Why the run failed, if it did.
    public var failure: String?
    /// When the run was first opened.
    public var createdAt: Date
    /// When the last item, status change or summary was written.
    public var updatedAt: Date

    public init(
        id: Int64, key: RunKey, keyDigest: String, status: RunStatus, itemCount: Int, completedCount: Int,
        summary: Data?, failure: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.key = key
        self.keyDigest = keyDigest
        self.status = status
        self.itemCount = itemCount
        self.completedCount = completedCount
        self.summary = summary
        self.failure = failure
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Every item has a stored result.
    public var isComplete: Bool { completedCount >= itemCount }
}
