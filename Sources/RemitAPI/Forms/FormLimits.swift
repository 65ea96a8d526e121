/// The bounds of a form body or query string, enforced while it is parsed: the first pair past one of them ends
/// the parse with a 400 naming its parameter, before the rest of the input is looked at.
///
/// Each is generous for every real Stripe parameter: the deepest,
/// `schedule_details[phases][0][items][0][price_data][recurring][interval]`, has 8 names; `enabled_events[]` can
/// list every event type (about 250); metadata has at most 50 keys.
public enum FormLimits {
    /// Names in one key path: `a[b][c]` has 3.
    public static let depthMax = 12
    /// `key=value` pairs in one body or query.
    public static let pairsMax = 10_000
    /// Distinct keys in one hash (the top level included).
    public static let keysPerHashMax = 1_000
    /// Elements of one array (`a[]=…` or `a[0]=…`).
    public static let arrayElementsMax = 1_000
    /// Bytes of a decoded key, brackets included.
    public static let keyBytesMax = 1_024
    /// Bytes of a decoded value (the longest Stripe text, dispute evidence, is 20,000 characters).
    public static let valueBytesMax = 65_536
    /// Characters of a parameter's name echoed back in an error.
    static let echoedNameMax = 120
}
