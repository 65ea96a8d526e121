import RemitCore

/// One append-only schema step. Its SQL never changes once shipped; new needs get new migrations.
public struct Migration: Sendable {
    public let id: Int
    public let name: String
    /// The statements for an engine, run in one transaction.
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(id: Int, name: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.id = id
        self.name = name
        self.statements = statements
    }
}

/// Applies migrations in order, each in its own transaction, recording them in `schema_migrations` (or in a
/// ledger of their own, when several components keep their tables in one database: the warehouse holds the ETL's
/// star schema and the stream processor's tables).
public enum Migrator {
    public static func migrate(_ database: some SQLDatabase, _ migrations: [Migration],
                               ledger table: String = "schema_migrations") async throws {
        precondition(table.allSatisfy { $0.isLetter || $0 == "_" }, "a plain table name")
        precondition(migrations.map(\.id) == Array(1...migrations.count), "migration ids must be 1…n")
        if let scoped = database as? any SQLSchemaScoped { try await scoped.createSchemaIfNeeded() }
        _ = try await database.write { connection in
            // Two nodes creating one table at once can both miss it and collide in PostgreSQL's catalog
            // (`IF NOT EXISTS` does not lock): the ledger is created under the migrations' lock too.
            try await takeMigrationLock(connection)
            try await connection.execute(
                "CREATE TABLE IF NOT EXISTS \(raw: table) (id BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        }
        for migration in migrations {
            try await database.write { connection in
                try await takeMigrationLock(connection)
                let applied = try await connection.queryFirst("SELECT id FROM \(raw: table) WHERE id = \(migration.id)")
                guard applied == nil else { return }
                for statement in migration.statements(connection.dialect) {
                    try await connection.execute(SQL(stringLiteral: statement))
                }
                let now = Timestamp.now()
                try await connection.execute(
                    "INSERT INTO \(raw: table) (id, name, applied_at) VALUES (\(migration.id), \(migration.name), \(now))"
                )
            }
        }
    }

    /// Several nodes may start at once: one migrates, the others wait here until its transaction ends. (SQLite's
    /// single writer already takes turns.)
    public static func takeMigrationLock(_ connection: any SQLConnection) async throws {
        guard connection.dialect == .postgres else { return }
        try await connection.execute("SELECT pg_advisory_xact_lock(7265746)")
    }
}
