/// Snappy's raw block format (what Parquet's SNAPPY codec means: no stream framing).
///
/// The compressor follows the reference design: 64 KiB fragments, a hash table of 4-byte sequences, greedy
/// matches emitted as a literal then copies (at most 64 bytes each).
public enum Snappy {
    static let fragmentSize = 1 << 16
    static let hashBits = 14

    /// The largest block `compress` can produce for `count` bytes (the reference's bound).
    static func maxCompressedLength(_ count: Int) -> Int { 32 + count + count / 6 }

    public static func compress(_ input: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maxCompressedLength(input.count)) { buffer, written in
            var out = Output(base: buffer.baseAddress!)
            var length = UInt64(input.count)
            while length >= 0x80 {
                out.put(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            out.put(UInt8(length))
            input.withUnsafeBufferPointer { source in
                var table = [UInt16](repeating: 0, count: 1 << hashBits)
                var start = 0
                while start < source.count {
                    let end = min(start + fragmentSize, source.count)
                    compressFragment(source, start, end, &table, &out)
                    start = end
                }
            }
            written = out.count
        }
    }

    /// The output cursor (the buffer is sized by `maxCompressedLength`: no bounds checks per byte).
    struct Output {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        @inline(__always) mutating func put(_ byte: UInt8) {
            base[count] = byte
            count += 1
        }

        @inline(__always) mutating func put(_ source: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
            (base + count).update(from: source.baseAddress! + from, count: to - from)
            count += to - from
        }
    }

    @inline(__always)
    static func load32(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt32.self)
    }

    @inline(__always)
    static func hash(_ value: UInt32) -> Int { Int((value &* 0x1E35_A7BD) >> UInt32(32 - hashBits)) }

    static func compressFragment(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ table: inout [UInt16],
                                 _ out: inout Output) {
        let count = end - start
        var literalStart = start
        guard count >= 15 else {
            emitLiteral(p, literalStart, end, &out)
            return
        }
        let inputLimit = end - 15
        var position = start + 1
        var skip = 32
        table.withUnsafeMutableBufferPointer { table in
            table.update(repeating: 0)
            while position < inputLimit {
                let current = load32(p, position)
                let slot = hash(current)
                let candidate = start + Int(table[slot])
                table[slot] = UInt16(position - start)
                if candidate < position, load32(p, candidate) == current {
                    emitLiteral(p, literalStart, position, &out)
                    var matchLength = 4
                    while position + matchLength < end, p[candidate + matchLength] == p[position + matchLength] {
                        matchLength += 1
                    }
                    emitCopy(offset: position - candidate, length: matchLength, &out)
                    position += matchLength
                    literalStart = position
                    skip = 32
                    if position < inputLimit {
                        // Seed the table with the position just before, as the reference does.
                        table[hash(load32(p, position - 1))] = UInt16(position - 1 - start)
                    }
                } else {
                    position += skip >> 5
                    skip += 1
                }
            }
        }
        emitLiteral(p, literalStart, end, &out)
    }

    static func emitLiteral(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ out: inout Output) {
        let length = to - from
        guard length > 0 else { return }
        let n = length - 1
        if n < 60 {
            out.put(UInt8(n << 2))
        } else if n < 1 << 8 {
            out.put(60 << 2)
            out.put(UInt8(n))
        } else if n < 1 << 16 {
            out.put(61 << 2)
            out.put(UInt8(n & 0xFF))
            out.put(UInt8(n >> 8))
        } else if n < 1 << 24 {
            out.put(62 << 2)
            out.put(UInt8(n & 0xFF))
            out.put(UInt8(n >> 8 & 0xFF))
            out.put(UInt8(n >> 16))
        } else {
            out.put(63 << 2)
            out.put(UInt8(n & 0xFF))
            out.put(UInt8(n >> 8 & 0xFF))
            out.put(UInt8(n >> 16 & 0xFF))
            out.put(UInt8(n >> 24))
        }
        out.put(p, from, to)
    }

    static func emitCopy(offset: Int, length: Int, _ out: inout Output) {
        var length = length
        // Copies of at most 64 bytes; keep the last piece at least 4 long.
        while length >= 68 {
            emitCopyUpTo64(offset: offset, length: 64, &out)
            length -= 64
        }
        if length > 64 {
            emitCopyUpTo64(offset: offset, length: 60, &out)
            length -= 60
        }
        emitCopyUpTo64(offset: offset, length: length, &out)
    }

    @inline(__always)
    static func emitCopyUpTo64(offset: Int, length: Int, _ out: inout Output) {
        if length < 12 && offset < 2048 {
            out.put(UInt8((offset >> 8) << 5 | (length - 4) << 2 | 1))
            out.put(UInt8(offset & 0xFF))
        } else {
            out.put(UInt8((length - 1) << 2 | 2))
            out.put(UInt8(offset & 0xFF))
            out.put(UInt8(offset >> 8))
        }
    }

    public enum DecompressionError: Error { case malformed }

    /// Decompresses a raw block (for tests and readers).
    public static func decompress(_ input: [UInt8]) throws(DecompressionError) -> [UInt8] {
        var position = 0
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < input.count, shift < 64 else { throw .malformed }
            let byte = input[position]
            position += 1
            length |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        var output = [UInt8]()
        output.reserveCapacity(Int(length))
        while position < input.count {
            let tag = input[position]
            position += 1
            switch tag & 3 {
            case 0:
                var n = Int(tag >> 2)
                if n >= 60 {
                    let extra = n - 59
                    guard position + extra <= input.count else { throw .malformed }
                    n = 0
                    for i in 0..<extra { n |= Int(input[position + i]) << (8 * i) }
                    position += extra
                }
                n += 1
                guard position + n <= input.count else { throw .malformed }
                output.append(contentsOf: input[position..<position + n])
                position += n
            default:
                let copyLength: Int
                let offset: Int
                switch tag & 3 {
                case 1:
                    guard position < input.count else { throw .malformed }
                    copyLength = Int(tag >> 2 & 7) + 4
                    offset = Int(tag >> 5) << 8 | Int(input[position])
                    position += 1
                case 2:
                    guard position + 2 <= input.count else { throw .malformed }
                    copyLength = Int(tag >> 2) + 1
                    offset = Int(input[position]) | Int(input[position + 1]) << 8
                    position += 2
                default:
                    guard position + 4 <= input.count else { throw .malformed }
                    copyLength = Int(tag >> 2) + 1
                    offset = Int(input[position]) | Int(input[position + 1]) << 8 | Int(input[position + 2]) << 16
                        | Int(input[position + 3]) << 24
                    position += 4
                }
                guard offset > 0, offset <= output.count else { throw .malformed }
                let from = output.count - offset
                for i in 0..<copyLength { output.append(output[from + i]) }
            }
        }
        guard output.count == Int(length) else { throw .malformed }
        return output
    }
}
