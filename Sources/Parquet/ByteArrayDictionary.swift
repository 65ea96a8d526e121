import Foundation

/// The distinct values of a BYTE_ARRAY column in first-seen order, and each row's index into them: a hash table
/// over the bytes themselves (open addressing, FNV-1a), so no value becomes a `String`. Nil when the distinct values
/// would take more than ``ColumnChunkEncoder/dictionaryBytesMax`` as a PLAIN page (the column is then written PLAIN).
struct ByteArrayDictionary {
    private(set) var values = ByteArrays()
    private(set) var indices: [UInt32] = []

    init?(_ column: ByteArrays) {
        indices.reserveCapacity(column.count)
        var capacity = 64
        while capacity < column.count * 2 { capacity <<= 1 }
        // Slot → dictionary index + 1 (0: empty). Grown when half full.
        var slots = [UInt32](repeating: 0, count: capacity)
        var hashes: [UInt64] = []
        var plainBytes = 0
        let found: Bool = column.bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for end in column.ends {
                let value = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end
                let hash = Self.hash(value)
                var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
                while true {
                    let entry = slots[slot]
                    if entry == 0 {
                        let index = UInt32(hashes.count)
                        slots[slot] = index + 1
                        hashes.append(hash)
                        values.append(value)
                        indices.append(index)
                        plainBytes += 4 + value.count
                        if plainBytes > ColumnChunkEncoder.dictionaryBytesMax { return false }
                        if hashes.count * 2 > slots.count { Self.grow(&slots, hashes: hashes) }
                        break
                    }
                    let candidate = Int(entry - 1)
                    if hashes[candidate] == hash, values.withValue(candidate, { Self.equal($0, value) }) {
                        indices.append(UInt32(candidate))
                        break
                    }
                    slot = (slot + 1) & (slots.count - 1)
                }
            }
            return true
        }
        guard found else { return nil }
    }

    private static func grow(_ slots: inout [UInt32], hashes: [UInt64]) {
        var bigger = [UInt32](repeating: 0, count: slots.count * 2)
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & (bigger.count - 1)
            while bigger[slot] != 0 { slot = (slot + 1) & (bigger.count - 1) }
            bigger[slot] = UInt32(index + 1)
        }
        slots = bigger
    }

    @inline(__always)
    private static func hash(_ value: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        // FNV's low bits mix poorly; the table's slot takes the low bits.
        return hash ^ (hash >> 29)
    }

    @inline(__always)
    private static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        left.count == right.count && (left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
    }
}
