import Foundation

extension TreeEnsemble {
    /// Reads a model saved by XGBoost's `save_model("….json")` (1.x–3.x), or by ``jsonData()``.
    public init(xgboostJSON data: Data) throws(ModelError) {
        let file: XGBoostJSON
        do {
            file = try JSONDecoder().decode(XGBoostJSON.self, from: data)
        } catch {
            if data.first == UInt8(ascii: "{"), data.dropFirst().first == UInt8(ascii: "L") {
                throw ModelError("this is a UBJSON model: save it with a .json file name")
            }
            throw ModelError("not an XGBoost JSON model: \(error)")
        }
        let learner = file.learner
        guard let objective = Objective(rawValue: learner.objective.name) else {
            throw ModelError("objective \(learner.objective.name) is not supported (binary:logistic or binary:logitraw)")
        }
        let parameters = learner.learner_model_param
        for key in ["num_class", "num_target"] {
            if let value = parameters[key], let count = Int(value), count > 1 {
                throw ModelError("\(key)=\(count): only single-output binary models are supported")
            }
        }
        guard let featureCountText = parameters["num_feature"], let featureCount = Int(featureCountText) else {
            throw ModelError("learner_model_param.num_feature is missing")
        }
        guard let baseScoreText = parameters["base_score"],
              let baseScore = Float(baseScoreText.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                .split(separator: ",").first.map(String.init) ?? "")
        else { throw ModelError("learner_model_param.base_score is missing or unreadable") }
        let booster = learner.gradient_booster
        guard booster.name == "gbtree", let model = booster.model else {
            throw ModelError("gradient booster \(booster.name) is not supported (gbtree)")
        }
        if model.gbtree_model_param["num_parallel_tree"].flatMap(Int.init) ?? 1 < 1 {
            throw ModelError("num_parallel_tree must be at least 1")
        }
        guard model.tree_info.allSatisfy({ $0 == 0 }) else { throw ModelError("trees for more than one output group") }
        let trees = try model.trees.enumerated().map { index, tree throws(ModelError) in
            try RegressionTree(xgboost: tree, index: index)
        }
        var bestIteration: Int?
        if let text = learner.attributes["best_iteration"] {
            guard let value = Int(text) else { throw ModelError("attribute best_iteration=\(text) is not a number") }
            bestIteration = value
        }
        try self.init(
            objective: objective, baseScore: baseScore, featureNames: learner.feature_names,
            featureTypes: learner.feature_types, featureCount: featureCount, trees: trees,
            iterationBounds: model.iteration_indptr, bestIteration: bestIteration, attributes: learner.attributes,
            objectiveParameters: learner.objective.reg_loss_param ?? [:])
    }

    /// Reads a model file.
    public init(contentsOf url: URL) throws(ModelError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ModelError("cannot read \(url.path): \(error.localizedDescription)") }
        try self.init(xgboostJSON: data)
    }

    /// The model in XGBoost's JSON format, loadable by `xgboost.Booster(model_file=…)`.
    ///
    /// Written by hand rather than with `JSONEncoder`: XGBoost's parser refuses an integer where it expects a
    /// float (`0` for `0.0`), so every float is written with a decimal point or an exponent.
    public func jsonData() -> Data {
        let json = XGBoostJSONWriter()
        json.object {
            json.key("learner")
            json.object {
                json.key("attributes"); json.strings(attributes)
                json.key("feature_names"); json.array(featureNames.map(XGBoostJSONWriter.quoted))
                json.key("feature_types"); json.array(featureTypes.map(XGBoostJSONWriter.quoted))
                json.key("gradient_booster")
                json.object {
                    json.key("model")
                    json.object {
                        json.key("gbtree_model_param")
                        json.strings(["num_parallel_tree": "\(parallelTreeCount)", "num_trees": "\(trees.count)"])
                        json.key("iteration_indptr"); json.array(iterationBounds.map(String.init))
                        json.key("tree_info"); json.array(trees.map { _ in "0" })
                        json.key("trees")
                        json.list(trees.indices) { json.tree(trees[$0], id: $0, featureCount: featureCount) }
                    }
                    json.key("name"); json.raw(XGBoostJSONWriter.quoted("gbtree"))
                }
                json.key("learner_model_param")
                json.strings([
                    "base_score": "[\(XGBoostNumber.text(baseScore))]", "boost_from_average": "1", "num_class": "0",
                    "num_feature": "\(featureCount)", "num_target": "1",
                ])
                json.key("objective")
                json.object {
                    json.key("name"); json.raw(XGBoostJSONWriter.quoted(objective.rawValue))
                    json.key("reg_loss_param")
                    json.strings(objectiveParameters.isEmpty ? ["scale_pos_weight": "1"] : objectiveParameters)
                }
            }
            json.key("version"); json.array(["3", "2", "0"])
        }
        return Data(json.text.utf8)
    }

    private var parallelTreeCount: Int {
        guard iterationBounds.count > 1 else { return 1 }
        return max(1, iterationBounds[1] - iterationBounds[0])
    }
}

extension RegressionTree {
    init(xgboost tree: XGBoostJSON.Tree, index: Int) throws(ModelError) {
        self.init()
        let count = tree.left_children.count
        guard [tree.right_children.count, tree.split_indices.count, tree.split_conditions.count,
               tree.default_left.count, tree.sum_hessian.count].allSatisfy({ $0 == count }), count > 0
        else { throw ModelError("tree \(index): its node arrays differ in length") }
        leftChildren = tree.left_children
        rightChildren = tree.right_children
        splitIndices = tree.split_indices
        splitConditions = tree.split_conditions.map { Float($0) }
        defaultLeft = tree.default_left.map(\.value)
        baseWeights = tree.base_weights.count == count ? tree.base_weights.map { Float($0) } : Array(repeating: 0, count: count)
        lossChanges = tree.loss_changes.count == count ? tree.loss_changes.map { Float($0) } : Array(repeating: 0, count: count)
        sumHessian = tree.sum_hessian.map { Float($0) }
        rightCategories = Array(repeating: nil, count: count)
        let types = tree.split_type ?? Array(repeating: 0, count: count)
        guard tree.categories_nodes.count == tree.categories_segments.count,
              tree.categories_nodes.count == tree.categories_sizes.count
        else { throw ModelError("tree \(index): categorical arrays differ in length") }
        for (i, node) in tree.categories_nodes.enumerated() {
            let start = tree.categories_segments[i], size = tree.categories_sizes[i]
            guard (0..<count).contains(Int(node)), start >= 0, size >= 0, start + size <= tree.categories.count else {
                throw ModelError("tree \(index): categorical split \(i) is out of range")
            }
            rightCategories[Int(node)] = Array(tree.categories[start..<(start + size)])
        }
        for node in 0..<count where types.count > node && types[node] == 1 && rightCategories[node] == nil {
            rightCategories[node] = []
        }
    }
}

/// Float formatting that survives a JSON round trip bit for bit.
enum XGBoostNumber {
    /// The shortest decimal that reads back as the same `Float`, always with a point or an exponent.
    static func text(_ value: Float) -> String { value.isFinite ? "\(value)" : "0.0" }
}
