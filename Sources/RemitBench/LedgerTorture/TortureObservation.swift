import Foundation

/// What one request of the torture came to, kept for the checks after the run.
struct TortureObservation: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case charge, capture, refund, disputeSubmit, disputeUpdate, disputeClose, reviewApprove, read
    }

    var kind: Kind
    /// The charge, dispute or review the request was about (the new charge's id for `charge`).
    var target: String
    var status: Int
    var code: String?
    var replayed: Bool
    var idempotencyKey: String?
    /// The id of the object a 200 answered with (the refund's for a refund).
    var objectID: String?
    /// A refund's amount; a capture's `amount_captured`.
    var amount: Int64?
    /// A dispute's status after the request; `open`/`closed` for a review.
    var objectStatus: String?
    var body: String

    /// Stripe's errors each kind may answer when it finds the object in a state that forbids it: anything else (a 5xx,
    /// `lock_timeout`, an unknown code) is a failure of the run.
    static let allowedErrors: [Kind: Set<String>] = [
        .charge: ["idempotency_key_in_use"],
        .capture: ["charge_already_captured", "charge_expired_for_capture", "charge_not_capturable", "amount_too_large",
                   "amount_too_small", "idempotency_key_in_use"],
        .refund: ["charge_already_refunded", "amount_too_large", "amount_too_small", "charge_disputed",
                  "charge_not_refundable", "parameter_invalid_string", "idempotency_key_in_use"],
        .disputeSubmit: ["charge_dispute_closed", "idempotency_key_in_use"],
        .disputeUpdate: ["charge_dispute_closed", "idempotency_key_in_use"],
        .disputeClose: ["charge_dispute_closed", "idempotency_key_in_use"],
        .reviewApprove: ["review_already_closed", "idempotency_key_in_use"],
        .read: [],
    ]

    init(kind: Kind, target: String, request: TortureRequest, response: TortureResponse) {
        self.kind = kind
        self.target = target
        status = response.status
        replayed = response.replayed
        idempotencyKey = request.idempotencyKey
        body = response.body
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
        if response.status == 200 {
            objectID = json["id"] as? String
            switch kind {
            case .refund: amount = (json["amount"] as? NSNumber)?.int64Value
            case .capture: amount = (json["amount_captured"] as? NSNumber)?.int64Value
            case .disputeSubmit, .disputeUpdate, .disputeClose: objectStatus = json["status"] as? String
            case .reviewApprove: objectStatus = (json["open"] as? Bool) == true ? "open" : "closed"
            case .charge, .read: break
            }
        } else {
            code = (json["error"] as? [String: Any])?["code"] as? String
        }
    }

    /// Whether this response is one the rules allow.
    var isAllowed: Bool {
        if status == 200 { return true }
        guard status >= 400, status < 500, let code else { return false }
        return Self.allowedErrors[kind]?.contains(code) == true
    }

    /// A 200 that did the work now (not the replay of an earlier one).
    var executed: Bool { status == 200 && !replayed }
}
