import RemitCore

/// Parses a form body or query string in one pass over its bytes, in time linear in its length.
///
/// Hostile input is the design case: each pair is decoded with its limits checked as the bytes arrive (a key is
/// cut off at ``FormLimits/keyBytesMax``, its path at ``FormLimits/depthMax`` names), every hash indexes its
/// keys, and nested hashes live in one arena, mutated in place, until the tree is assembled bottom-up at the
/// end. Nothing recurses with the input's size. The first limit crossed ends the parse with a 400 that names
/// the parameter.
enum FormParser {
    /// A hash being built: its keys in first-seen order, and (past ``SmallMap/linearMax`` keys) an index of them.
    private struct Hash {
        var entries: [(key: String, slot: Slot)] = []
        var index = SmallMap()
        var arrayElements = 0

        func position(of key: String) -> Int? { index.position(of: key, in: entries.lazy.map(\.key)) }

        mutating func append(_ key: String, _ slot: Slot) {
            entries.append((key, slot))
            index.appended(key, in: entries.lazy.map(\.key))
        }
    }

    private enum Slot {
        case value(String)
        case hash(Int)
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(StripeError) -> Form {
        var hashes = [Hash()]
        var pairs = 0
        // A body sent as `?a=1` (some clients prefix it) reads as `a=1`.
        var start = bytes.first == UInt8(ascii: "?") ? 1 : 0
        let ampersand = UInt8(ascii: "&")
        let equals = UInt8(ascii: "=")
        while start < bytes.count {
            var end = start
            var separator: Int?
            while end < bytes.count, bytes[end] != ampersand {
                if separator == nil, bytes[end] == equals { separator = end }
                end += 1
            }
            defer { start = end + 1 }
            let keyEnd = separator ?? end
            guard keyEnd > start else { continue }
            pairs += 1
            let rawKey = UnsafeBufferPointer(rebasing: bytes[start..<keyEnd])
            guard pairs <= FormLimits.pairsMax else {
                let name = echoedParameter(rawKey)
                throw StripeError.invalid(name, "Too many parameters: a request can carry at most \(FormLimits.pairsMax).")
            }
            let key = try decodeKey(rawKey)
            let rawValue = separator.map { UnsafeBufferPointer(rebasing: bytes[($0 + 1)..<end]) }
            let value = try rawValue.map { (raw) throws(StripeError) in try decodeValue(raw, key: key) } ?? ""
            try insert(value, at: try path(of: key), key: key, into: &hashes)
        }
        return assemble(&hashes)
    }

    /// `items[0][price]` → `["items", "0", "price"]`, refused past ``FormLimits/depthMax`` names.
    static func path(of key: String) throws(StripeError) -> [String] {
        let utf8 = key.utf8
        guard let open = utf8.firstIndex(of: UInt8(ascii: "[")) else { return [key] }
        let head = String(key[..<open])
        guard !head.isEmpty else { throw StripeError.invalid(echoed(key), "Invalid parameter name: \(echoed(key))") }
        var path = [head]
        var index = open
        while index < utf8.endIndex {
            guard utf8[index] == UInt8(ascii: "["),
                  let close = utf8[utf8.index(after: index)...].firstIndex(of: UInt8(ascii: "]"))
            else {
                throw StripeError.invalid(echoed(key), "Invalid parameter name: \(echoed(key))")
            }
            guard path.count < FormLimits.depthMax else {
                throw StripeError.invalid(head, "Invalid parameter \(head): it is nested more than \(FormLimits.depthMax) levels deep.")
            }
            path.append(String(key[utf8.index(after: index)..<close]))
            index = utf8.index(after: close)
        }
        return path
    }

    private static func insert(_ value: String, at path: [String], key fullKey: String,
                               into hashes: inout [Hash]) throws(StripeError) {
        var current = 0
        for (depth, name) in path.enumerated() {
            let isLeaf = depth == path.count - 1
            // `a[]` appends: each such element gets a fresh positional key.
            let key = name.isEmpty ? "\u{0}\(hashes[current].entries.count)" : name
            if let position = hashes[current].position(of: key) {
                switch hashes[current].entries[position].slot {
                case .value:
                    guard isLeaf else { throw conflict(fullKey) }
                    hashes[current].entries[position].slot = .value(value)
                case .hash(let child):
                    guard !isLeaf else { throw conflict(fullKey) }
                    current = child
                }
                continue
            }
            try admit(key, into: &hashes[current], parameter: depth == 0 ? name : fullKey)
            if isLeaf {
                hashes[current].append(key, .value(value))
            } else {
                let child = hashes.count
                hashes.append(Hash())
                hashes[current].append(key, .hash(child))
                current = child
            }
        }
    }

    /// Checks that a hash may take one more key: an array element (`[]` or a number) or a named key.
    private static func admit(_ key: String, into hash: inout Hash, parameter: String) throws(StripeError) {
        let isArrayElement = key.utf8.first == 0 || key.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if isArrayElement {
            guard hash.arrayElements < FormLimits.arrayElementsMax else {
                throw StripeError.invalid(echoed(parameter), "Invalid array: \(echoed(parameter)) has more than \(FormLimits.arrayElementsMax) elements.")
            }
            hash.arrayElements += 1
        } else {
            guard hash.entries.count - hash.arrayElements < FormLimits.keysPerHashMax else {
                throw StripeError.invalid(echoed(parameter), "Invalid hash: \(echoed(parameter)) has more than \(FormLimits.keysPerHashMax) keys.")
            }
        }
    }

    /// Builds the `Form` tree from the arena, children first: a child's index is always above its parent's, so
    /// one backward pass moves each finished child into its parent.
    private static func assemble(_ hashes: inout [Hash]) -> Form {
        var built = [Form](repeating: Form(), count: hashes.count)
        for index in hashes.indices.reversed() {
            var form = Form()
            let hash = hashes[index]
            hashes[index] = Hash()
            for (key, slot) in hash.entries {
                switch slot {
                case .value(let value): form.append(key, .value(value))
                case .hash(let child):
                    form.append(key, .map(built[child]))
                    built[child] = Form()
                }
            }
            built[index] = form
        }
        return built[0]
    }

    static func conflict(_ key: String) -> StripeError {
        StripeError.invalid(echoed(key), "Invalid value for \(echoed(key)): a parameter cannot be both a value and a hash.",
                            code: "parameter_invalid_string")
    }

    // MARK: Decoding

    private static func decodeKey(_ raw: UnsafeBufferPointer<UInt8>) throws(StripeError) -> String {
        switch PercentDecoding.decode(raw, limit: FormLimits.keyBytesMax) {
        case .success(let key): return key
        case .tooLong:
            let name = echoedParameter(raw)
            throw StripeError.invalid(name, "Invalid parameter name: \(name)… is longer than \(FormLimits.keyBytesMax) bytes.")
        case .malformedEscape:
            throw StripeError.invalid(echoedName(raw), "Invalid percent-encoding in the parameter name \(echoedName(raw)).")
        case .invalidUTF8:
            throw StripeError.invalid(echoedName(raw), "Invalid parameter name \(echoedName(raw)): it is not valid UTF-8.")
        case .nul:
            throw StripeError.invalid(echoedName(raw), "Invalid parameter name \(echoedName(raw)): it contains a NUL character.")
        }
    }

    private static func decodeValue(_ raw: UnsafeBufferPointer<UInt8>, key: String) throws(StripeError) -> String {
        let name = echoed(key)
        switch PercentDecoding.decode(raw, limit: FormLimits.valueBytesMax) {
        case .success(let value): return value
        case .tooLong:
            throw StripeError.invalid(name, "Invalid string: \(name) is longer than \(FormLimits.valueBytesMax) bytes.")
        case .malformedEscape:
            throw StripeError.invalid(name, "Invalid percent-encoding in the value of \(name).")
        case .invalidUTF8:
            throw StripeError.invalid(name, "Invalid string: the value of \(name) is not valid UTF-8.")
        case .nul:
            throw StripeError.invalid(name, "Invalid string: the value of \(name) contains a NUL character (\\u0000).")
        }
    }

    /// A parameter's name as an error shows it: at most ``FormLimits/echoedNameMax`` characters.
    static func echoed(_ name: String) -> String {
        name.count <= FormLimits.echoedNameMax ? name : String(name.prefix(FormLimits.echoedNameMax))
    }

    /// The top-level parameter of an undecoded key (`a[…` names `a`), or its readable start.
    private static func echoedParameter(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        let head = raw.firstIndex(of: UInt8(ascii: "[")).map { UnsafeBufferPointer(rebasing: raw[..<$0]) }
        return echoedName(head.flatMap { $0.isEmpty ? nil : $0 } ?? raw)
    }

    /// The readable start of an undecodable or oversized key.
    private static func echoedName(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        let prefix = raw.prefix(FormLimits.echoedNameMax)
        let text = String(decoding: prefix, as: UTF8.self)
        return String(text.unicodeScalars.map { $0 == "\u{0}" || $0 == "\u{FFFD}" ? "?" : Character($0) })
    }
}

/// Decodes `%XX` and `+` (space) into UTF-8 text, refusing what the store could not keep.
enum PercentDecoding {
    enum Result {
        case success(String)
        case tooLong
        case malformedEscape
        case invalidUTF8
        case nul
    }

    static func decode(_ raw: UnsafeBufferPointer<UInt8>, limit: Int) -> Result {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(raw.count, limit))
        var index = 0
        while index < raw.count {
            guard bytes.count < limit else { return .tooLong }
            let byte = raw[index]
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index + 2 < raw.count, let high = hex(raw[index + 1]), let low = hex(raw[index + 2]) else {
                    return .malformedEscape
                }
                bytes.append(high << 4 | low)
                index += 2
            default: bytes.append(byte)
            }
            index += 1
        }
        if bytes.contains(0) { return .nul }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .invalidUTF8 }
        return .success(text)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
