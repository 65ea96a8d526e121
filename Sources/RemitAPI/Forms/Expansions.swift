import RemitCore

/// The `expand[]` paths of a request, checked against what the endpoint can expand.
struct Expansions: Sendable {
    private var paths: Set<String>

    init(_ paths: [String]?, allowed: Set<String>, list: Bool = false) throws(StripeError) {
        var accepted: Set<String> = []
        for path in paths ?? [] {
            guard path.split(separator: ".").count <= APILimits.expandDepthMax else {
                throw StripeError.invalid("expand", "You cannot expand more than \(APILimits.expandDepthMax) levels of a property.")
            }
            let field = list ? (path.hasPrefix("data.") ? String(path.dropFirst(5)) : "") : path
            guard allowed.contains(field) else {
                throw StripeError.invalid("expand", "This property cannot be expanded (\(path)).")
            }
            accepted.insert(field)
        }
        self.paths = accepted
    }

    func contains(_ field: String) -> Bool { paths.contains(field) }

    static let none = try! Expansions(nil, allowed: [])
}
