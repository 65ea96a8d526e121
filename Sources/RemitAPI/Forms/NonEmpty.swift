/// A form value that is present and not "" (Stripe clears a field with "").
extension Optional where Wrapped == String {
    /// nil for nil and for "".
    var nonEmpty: String? { flatMap { $0.isEmpty ? nil : $0 } }
}

extension String {
    /// nil for "".
    var nonEmpty: String? { isEmpty ? nil : self }
}
