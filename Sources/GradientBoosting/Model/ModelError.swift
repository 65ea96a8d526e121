/// A model file or model argument that Remit cannot use, with the reason.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
