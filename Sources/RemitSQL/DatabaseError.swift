/// An error from the storage engine. Operating errors: callers map them, never crash on them.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case uniqueViolation, conflict, connection, statement, busy
        }

        private let kind: Kind

        /// A unique or primary-key constraint rejected the row.
        public static let uniqueViolation = Code(kind: .uniqueViolation)
        /// A transient conflict with another transaction (serialization failure, deadlock): retry.
        public static let conflict = Code(kind: .conflict)
        /// The engine could not be reached or the connection broke.
        public static let connection = Code(kind: .connection)
        /// The statement failed for another reason (a bug or a schema problem).
        public static let statement = Code(kind: .statement)
        /// The database stayed locked longer than the busy timeout.
        public static let busy = Code(kind: .busy)

        public var description: String { "\(kind)" }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "database error (\(code)): \(message)" }
}
