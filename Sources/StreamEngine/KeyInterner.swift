/// Small integer ids for the strings events are grouped by (merchant ids, endpoints), so a group's key hashes as
/// one 64-bit word. Id 0 is "none" (a request with no merchant).
public struct KeyInterner: Sendable {
    private var ids: [String: UInt32] = [:]
    private var strings: [String?] = [nil]

    public init() {}

    public mutating func id(_ value: String?) -> UInt32 {
        guard let value else { return 0 }
        if let id = ids[value] { return id }
        precondition(strings.count < Int(UInt32.max), "too many distinct keys")
        let id = UInt32(strings.count)
        ids[value] = id
        strings.append(value)
        return id
    }

    public func string(_ id: UInt32) -> String? { strings[Int(id)] }

    public var count: Int { strings.count - 1 }
}
