import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The data directory holds the store, the warehouse, the lake, the platform key and the fingerprint key: it and
/// everything Remit writes in it are its owner's only.
enum DataDirectory {
    /// Files Remit keeps at the top of the directory, whose modes are tightened even if an older build created them
    /// readable by others.
    static let privateFiles = ["remit.sqlite", "remit.sqlite-wal", "remit.sqlite-shm", "warehouse.sqlite",
                               "warehouse.sqlite-wal", "warehouse.sqlite-shm", AdminKey.fileName,
                               FingerprintKey.fileName]

    /// Creates the directory (mode 0700) if needed, makes the process create files for its owner only (umask 077),
    /// and tightens the modes of what is already there.
    static func prepare(_ path: String) throws {
        _ = umask(0o077)
        let manager = FileManager.default
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true,
                                    attributes: [.posixPermissions: 0o700])
        try? manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        for name in privateFiles {
            let file = (path as NSString).appendingPathComponent(name)
            if manager.fileExists(atPath: file) { try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file) }
        }
    }
}
