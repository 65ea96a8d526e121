/// The subset of XGBoost's JSON model schema (`doc/model.schema`) that Remit reads.
/// Scalar parameters are strings in XGBoost's format (`"200"`, `"[5E-1]"`); arrays hold JSON numbers.
struct XGBoostJSON: Decodable {
    var version: [Int]
    var learner: Learner

    struct Learner: Decodable {
        var attributes: [String: String]
        var feature_names: [String]
        var feature_types: [String]
        var gradient_booster: GradientBooster
        var learner_model_param: [String: String]
        var objective: ObjectiveJSON
    }

    struct ObjectiveJSON: Decodable {
        var name: String
        var reg_loss_param: [String: String]?
    }

    struct GradientBooster: Decodable {
        var name: String
        /// Absent for boosters other than gbtree (dart nests its trees elsewhere; Remit does not score dart).
        var model: Model?
    }

    struct Model: Decodable {
        var gbtree_model_param: [String: String]
        var iteration_indptr: [Int]?
        var tree_info: [Int]
        var trees: [Tree]
    }

    struct Tree: Decodable {
        var base_weights: [Double]
        var categories: [Int32]
        var categories_nodes: [Int32]
        var categories_segments: [Int]
        var categories_sizes: [Int]
        var default_left: [Flag]
        var id: Int
        var left_children: [Int32]
        var loss_changes: [Double]
        var parents: [Int32]
        var right_children: [Int32]
        var split_conditions: [Double]
        var split_indices: [Int32]
        var split_type: [Int]?
        var sum_hessian: [Double]
        var tree_param: [String: String]
    }

    /// `default_left` is 0/1 in current XGBoost and was `true`/`false` in some 1.x releases.
    struct Flag: Decodable {
        var value: Bool
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) { value = bool } else { value = try container.decode(Int.self) != 0 }
        }
    }
}
