/// Bodies of the largest size the API reads (``APILimits/bodyBytesMax``), each shaped to make a naive parser slow or
/// crash: what `remit bench form` times, and what the tests send through the router.
public enum FormWorstCases {
    /// A named body.
    public struct Body: Sendable {
        public let name: String
        public let bytes: [UInt8]
    }

    public static var all: [Body] {
        let size = APILimits.bodyBytesMax
        return [
            Body(name: "brackets: a[][][]… (one key, 500K levels)", bytes: filled(size, head: "a", unit: "[]", tail: "=1")),
            Body(name: "distinct top-level keys k0=v&k1=v…", bytes: pairs(size) { "k\($0)=v" }),
            Body(name: "distinct metadata keys metadata[kN]=v", bytes: pairs(size) { "metadata[k\($0)]=v" }),
            Body(name: "array appends a[]=N", bytes: pairs(size) { "a[]=\($0)" }),
            Body(name: "one key repeated a=1&a=1…", bytes: pairs(size) { _ in "a=1" }),
            Body(name: "one value of 1 MiB", bytes: filled(size, head: "description=", unit: "v", tail: "")),
            Body(name: "one value of percent-escapes %41%41…", bytes: filled(size, head: "description=", unit: "%41", tail: "")),
            Body(name: "keys of 1 KiB each", bytes: pairs(size) { "k\($0)" + String(repeating: "x", count: 1_000) + "=v" }),
            Body(name: "accepted: 10,000 pairs in 10 hashes of 1,000 keys, 90-byte values", bytes: acceptedMaximum()),
            Body(name: "accepted: paths 12 deep, distinct at every level", bytes: pairs(size) { index in
                "p" + (0..<11).map { "[l\(index % 1_000)x\($0)]" }.joined() + "=v"
            }),
        ]
    }

    static func filled(_ size: Int, head: String, unit: String, tail: String) -> [UInt8] {
        var bytes = Array(head.utf8)
        let count = (size - head.utf8.count - tail.utf8.count) / unit.utf8.count
        bytes.reserveCapacity(size)
        for _ in 0..<count { bytes.append(contentsOf: unit.utf8) }
        bytes.append(contentsOf: tail.utf8)
        return bytes
    }

    static func pairs(_ size: Int, _ pair: (Int) -> String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var index = 0
        while true {
            let next = Array(pair(index).utf8)
            guard bytes.count + next.count + 1 <= size else { break }
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "&")) }
            bytes.append(contentsOf: next)
            index += 1
        }
        return bytes
    }

    /// The largest body the limits accept: every pair a distinct key, hashes full.
    static func acceptedMaximum() -> [UInt8] {
        let value = String(repeating: "v", count: 90)
        let hashes = FormLimits.pairsMax / FormLimits.keysPerHashMax
        return pairs(APILimits.bodyBytesMax) { index in
            guard index < FormLimits.pairsMax else { return String(repeating: "x", count: APILimits.bodyBytesMax) }
            return "h\(index % hashes)[k\(index / hashes)]=\(value)"
        }
    }
}
