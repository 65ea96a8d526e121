/// The RLE / bit-packed hybrid encoding of definition levels and dictionary indices.
enum HybridEncoding {
    static func bitWidth(of maximum: UInt32) -> Int { maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount }

    static func varint(_ value: Int, into output: inout [UInt8]) {
        var value = UInt64(value)
        while value >= 0x80 {
            output.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    /// One RLE run: `count` times `value`.
    static func run(of value: UInt32, count: Int, bitWidth: Int, into output: inout [UInt8]) {
        varint(count << 1, into: &output)
        for byte in 0..<((bitWidth + 7) / 8) { output.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
    }

    /// One bit-packed run holding every value (the last group padded with zeros; readers stop at the count).
    static func bitPacked(count: Int, bitWidth: Int, into output: inout [UInt8], _ value: (Int) -> UInt32) {
        let groups = (count + 7) / 8
        varint(groups << 1 | 1, into: &output)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: groups * bitWidth))
        output.withUnsafeMutableBufferPointer { buffer in
            var bit = 0
            for index in 0..<count {
                var v = value(index)
                var remaining = bitWidth
                var at = bit
                while remaining > 0 {
                    let byte = start + at >> 3
                    let shift = at & 7
                    let take = min(remaining, 8 - shift)
                    buffer[byte] |= UInt8(truncatingIfNeeded: (v & ((1 << take) - 1)) << shift)
                    v >>= UInt32(take)
                    remaining -= take
                    at += take
                }
                bit += bitWidth
            }
        }
    }

    /// Definition levels (bit width 1) of an optional column.
    static func definitionLevels(_ present: [Bool]?, count: Int, into output: inout [UInt8]) {
        guard let present, present.contains(false) else {
            run(of: 1, count: count, bitWidth: 1, into: &output)
            return
        }
        present.withUnsafeBufferPointer { present in
            bitPacked(count: count, bitWidth: 1, into: &output) { present[$0] ? 1 : 0 }
        }
    }
}
