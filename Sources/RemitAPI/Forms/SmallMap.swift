/// The index of a form's keys: none while a hash is small (a linear scan of a few keys is faster than hashing, and
/// a hostile body makes tens of thousands of small hashes), a dictionary once it passes ``linearMax`` keys.
struct SmallMap: Sendable {
    static let linearMax = 8
    private var positions: [String: Int] = [:]

    /// The position of `key` among `keys` (the hash's keys in order).
    func position(of key: String, in keys: some Collection<String>) -> Int? {
        guard keys.count > Self.linearMax else {
            var position = 0
            for candidate in keys {
                if candidate == key { return position }
                position += 1
            }
            return nil
        }
        return positions[key]
    }

    /// Records that `keys` grew by one; indexes them all when they pass ``linearMax``.
    mutating func appended(_ key: String, in keys: some Collection<String>) {
        guard keys.count > Self.linearMax else { return }
        if positions.isEmpty {
            for (position, existing) in keys.enumerated() { positions[existing] = position }
        } else {
            positions[key] = keys.count - 1
        }
    }
}
