import RemitSQL

extension Ledger {
    /// The installation's setting `name`: the stored value, or `value` stored now if there was none (the first node
    /// to start decides; the others read its value).
    public func installationSetting(_ name: String, insertingIfAbsent value: String) async throws -> String {
        try await transaction { connection in
            try await connection.execute("""
                INSERT INTO installation_settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING
                """)
            return try await connection.queryFirst("SELECT value FROM installation_settings WHERE name = \(name)")?
                .string("value") ?? value
        }
    }
}
