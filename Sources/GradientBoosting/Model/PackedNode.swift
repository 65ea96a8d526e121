/// A node of the scoring layout: 20 bytes, siblings adjacent (the right child is `left + 1`).
struct PackedNode: Sendable {
    /// The numeric threshold of a split, or the value of a leaf.
    var value: Float
    /// The feature tested; -1 on a leaf.
    var feature: Int32
    /// Index of the left child in the ensemble's node array.
    var left: Int32
    /// Index into the ensemble's category sets for a categorical split; -1 for a numeric split.
    var categorySet: Int32
    var defaultLeft: Bool

    @inline(__always) var isLeaf: Bool { feature < 0 }
}

/// The categories that go right at a categorical split, as a bit set (XGBoost's `CatBitField`).
struct CategorySet: Sendable {
    var start: Int32
    var wordCount: Int32
}
