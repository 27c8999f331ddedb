import GRDB

/// The store's tables, as a list of migrations applied in order.
///
/// Migrations are append-only: a released migration is never edited, because databases in the
/// field have already run it. A change to the schema is a new migration at the end. A database
/// that has run a migration this list does not contain comes from a newer TruthKit, and opening
/// it is refused rather than risked (`StoreError.Code.newerDatabase`).
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs and item results") { db in
            try db.create(table: RunRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("key", .text).notNull().unique()
                table.column("modelName", .text).notNull()
                table.column("modelFingerprint", .text).notNull()
                table.column("task", .text).notNull()
                table.column("taskVersion", .text).notNull()
                table.column("dataChecksum", .text).notNull()
                table.column("settings", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("updatedAt", .datetime).notNull()
                table.column("status", .text).notNull()
                    .check(sql: "status IN ('running', 'finished', 'failed')")
                table.column("itemCount", .integer).notNull().check(sql: "itemCount >= 0")
                table.column("completedCount", .integer).notNull().defaults(to: 0)
                table.column("summary", .text)
                table.column("failure", .text)
            }
            try db.create(table: ItemResultRecord.databaseTableName) { table in
                table.column("runId", .integer).notNull()
                    .references(RunRecord.databaseTableName, onDelete: .cascade)
                table.column("itemIndex", .integer).notNull().check(sql: "itemIndex >= 0")
                table.column("payload", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                // One result per item per run: a resumed or repeated record can never add a row.
                table.uniqueKey(["runId", "itemIndex"])
            }
        }
        return migrator
    }
}
