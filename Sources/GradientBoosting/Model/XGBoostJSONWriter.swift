import Foundation

/// Builds the text of an XGBoost JSON model (see ``TreeEnsemble/jsonData()``); a class so nested writers
/// can append from closures.
final class XGBoostJSONWriter {
    private(set) var text = ""
    private var needsComma = [false]

    private func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    func object(_ body: () -> Void) {
        separate()
        text += "{"
        needsComma.append(false)
        body()
        needsComma.removeLast()
        text += "}"
    }

    /// A member name; the value written next belongs to it.
    func key(_ name: String) {
        separate()
        text += Self.quoted(name) + ":"
        needsComma[needsComma.count - 1] = false
    }

    /// A value already in JSON form.
    func raw(_ json: String) {
        separate()
        text += json
    }

    func array(_ elements: [String]) {
        raw("[" + elements.joined(separator: ",") + "]")
    }

    func list<C: Collection>(_ items: C, _ element: (C.Element) -> Void) {
        separate()
        text += "["
        needsComma.append(false)
        for item in items { element(item) }
        needsComma.removeLast()
        text += "]"
    }

    /// An object of string values, keys sorted.
    func strings(_ members: [String: String]) {
        raw("{" + members.sorted { $0.key < $1.key }.map { Self.quoted($0.key) + ":" + Self.quoted($0.value) }
            .joined(separator: ",") + "}")
    }

    func tree(_ tree: RegressionTree, id: Int, featureCount: Int) {
        var categoryNodes: [String] = [], segments: [String] = [], sizes: [String] = [], categories: [Int32] = []
        for node in 0..<tree.nodeCount {
            guard let set = tree.rightCategories[node] else { continue }
            categoryNodes.append("\(node)")
            segments.append("\(categories.count)")
            sizes.append("\(set.count)")
            categories.append(contentsOf: set.sorted())
        }
        let floats = { (values: [Float]) in values.map(XGBoostNumber.text) }
        object {
            key("base_weights"); array(floats(tree.baseWeights))
            key("categories"); array(categories.map { "\($0)" })
            key("categories_nodes"); array(categoryNodes)
            key("categories_segments"); array(segments)
            key("categories_sizes"); array(sizes)
            key("default_left"); array(tree.defaultLeft.map { $0 ? "1" : "0" })
            key("id"); raw("\(id)")
            key("left_children"); array(tree.leftChildren.map { "\($0)" })
            key("loss_changes"); array(floats(tree.lossChanges))
            key("parents"); array(tree.parents.map { "\($0)" })
            key("right_children"); array(tree.rightChildren.map { "\($0)" })
            key("split_conditions"); array(floats(tree.splitConditions))
            key("split_indices"); array(tree.splitIndices.map { "\($0)" })
            key("split_type"); array(tree.rightCategories.map { $0 == nil ? "0" : "1" })
            key("sum_hessian"); array(floats(tree.sumHessian))
            key("tree_param")
            strings(["num_deleted": "0", "num_feature": "\(featureCount)", "num_nodes": "\(tree.nodeCount)",
                     "size_leaf_vector": "1"])
        }
    }

    /// A JSON string literal.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
