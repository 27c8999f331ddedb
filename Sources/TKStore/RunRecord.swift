import Foundation
import GRDB

/// A row of the `run` table.
struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "run"

    var id: Int64?
    /// `RunKey.digest`; unique.
    var key: String
    var modelName: String
    var modelFingerprint: String
    var task: String
    var taskVersion: String
    var dataChecksum: String
    /// The settings as canonical JSON.
    var settings: String
    var createdAt: Date
    var updatedAt: Date
    var status: String
    var itemCount: Int
    var completedCount: Int
    /// JSON text, written by `finish`.
    var summary: String?
    var failure: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let key = Column(CodingKeys.key)
        static let status = Column(CodingKeys.status)
        static let completedCount = Column(CodingKeys.completedCount)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The public value, or an error naming the row if a column holds something this build
    /// cannot read (a status written by hand, settings that are not a JSON object of strings).
    func storedRun(path: String) throws -> StoredRun {
        guard let id else {
            throw StoreError(.database, "A run row without an id was read from \(path); this is a bug in TruthKit.", path: path)
        }
        guard let status = RunStatus(rawValue: status) else {
            throw StoreError(
                .newerDatabase,
                "Run \(id) in \(path) has status '\(self.status)', which this TruthKit does not know; it was probably written by a newer version. Upgrade TruthKit.",
                path: path
            )
        }
        let decodedSettings: [String: String]
        do {
            decodedSettings = try JSONDecoder().decode([String: String].self, from: Data(settings.utf8))
        } catch {
            throw StoreError(
                .corruptDatabase,
                "Run \(id) in \(path) has unreadable settings \(settings.prefix(80).debugDescription); the row was edited by hand or damaged. Delete the run (truthkit runs delete \(id)) to redo it.",
                path: path, cause: error
            )
        }
        return StoredRun(
            id: id,
            key: RunKey(
                modelName: modelName, modelFingerprint: modelFingerprint, task: task, taskVersion: taskVersion,
                dataChecksum: dataChecksum, settings: decodedSettings
            ),
            keyDigest: key, status: status, itemCount: itemCount, completedCount: completedCount,
            summary: summary.map { Data($0.utf8) }, failure: failure, createdAt: createdAt, updatedAt: updatedAt
        )
    }
}
