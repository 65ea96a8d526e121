import Foundation
import Logging
import RemitStore

/// The platform (admin) key: from `REMIT_ADMIN_KEY`, else the one stored in the data directory, else a new one
/// generated on first start, stored there (mode 0600) and printed once.
enum AdminKey {
    static let fileName = "admin_key"
    static let lengthMin = 20

    static func ensure(_ configuration: RemitConfiguration, ledger: Ledger, logger: Logger) async throws {
        if let key = configuration.adminKey {
            guard key.count >= lengthMin else {
                throw ConfigurationError("REMIT_ADMIN_KEY must be at least \(lengthMin) characters of random text")
            }
            try await ledger.registerPlatformKey(key)
            return
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent(fileName)
        if let stored = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           !stored.isEmpty
        {
            try await ledger.registerPlatformKey(stored)
            return
        }
        if try await ledger.platformHasKey() {
            logger.info("platform key already registered in the database; set REMIT_ADMIN_KEY on this node")
            return
        }
        let key = SecretKey.generate()
        guard FileManager.default.createFile(atPath: path, contents: Data((key + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600])
        else {
            throw ConfigurationError("cannot write the admin key to \(path)")
        }
        try await ledger.registerPlatformKey(key)
        print("Remit admin key (shown once; stored in \(path)): \(key)")
    }
}
