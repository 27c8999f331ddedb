import Foundation
import GRDB

/// A row of the `item_result` table: one item's result within one run.
struct ItemResultRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "item_result"

    var runId: Int64
    var itemIndex: Int
    /// The evaluator's JSON, stored as text so `sqlite3` and `json_extract` can read it.
    var payload: String
    var createdAt: Date

    enum Columns {
        static let runId = Column(CodingKeys.runId)
        static let itemIndex = Column(CodingKeys.itemIndex)
    }
}
