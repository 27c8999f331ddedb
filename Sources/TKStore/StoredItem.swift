import Foundation

/// One item's stored result.
public struct StoredItem: Sendable, Equatable {
    /// The item's position in the task, 0-based.
    public var index: Int
    /// The evaluator's JSON for the item, byte for byte as recorded.
    public var payload: Data
    /// When it was recorded.
    public var createdAt: Date

    public init(index: Int, payload: Data, createdAt: Date) {
        self.index = index
        self.payload = payload
        self.createdAt = createdAt
    }
}
