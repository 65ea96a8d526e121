import Foundation
import HTTPTypes
import Hummingbird
import RemitCore
import RemitStore
import Synchronization

/// Authenticates `Authorization: Bearer sk_…` or HTTP Basic (`sk_…:`), and applies `Stripe-Account`. A publishable
/// key (`pk_test_…`) may also come as Stripe.js sends it, a `key` field of the query or the form body, and may call
/// only what Stripe.js calls (``PublishableKeyAccess``).
///
/// Secret keys are looked up by their SHA-256 (they are random, 190 bits: no slow hash is needed), and the
/// result is cached in memory; a key is never logged, only its hint.
struct Authenticator: Sendable {
    let ledger: Ledger
    let cache: KeyCache

    /// Paths anyone may call.
    static let publicPaths: Set<String> = ["/healthz", "/metrics", "/openapi.json"]

    /// The caller of a request, or nil for a public path.
    /// - Throws: 401 without a valid key, 403 for a `Stripe-Account` the key may not act for.
    /// - Parameter request: a form body read for its `key` is kept in it, for the endpoint to read again.
    /// - Parameter requestedVersion: the request's `Stripe-Version`, which pins the account's version if it has none.
    func authenticate(_ request: inout Request, bodyBytesMax: Int, requestedVersion: String?) async throws -> Caller? {
        if Self.publicPaths.contains(request.uri.path) || Self.isDashboard(request.uri.path)
            || Self.isAuthenticationPage(request.uri.path) { return nil }
        var found = Self.key(from: request)
        if found == nil { found = try await Self.formKey(from: &request, bodyBytesMax: bodyBytesMax) }
        guard let key = found else { throw APIErrors.noKey }
        let hash = APIKeyKind.lookupValue(key)
        let now = ledger.clock.unixSeconds()
        var identity = cache.identity(hash, now: now)
        if identity == nil {
            guard let owner = try await ledger.keyOwner(forKeyHash: hash) else {
                throw APIErrors.invalidKey(SecretKey.hint(key))
            }
            let account = owner.account
            identity = KeyCache.Identity(accountID: account.id, isPlatform: account.isPlatform, livemode: account.livemode,
                                         isPublishable: owner.kind == .publishable, apiVersion: owner.apiVersion,
                                         validUntil: min(now + KeyCache.freshnessSeconds, owner.expiresAt ?? .max))
            cache.store(hash, identity)
        }
        guard var identity else { throw APIErrors.invalidKey(SecretKey.hint(key)) }
        if identity.apiVersion == nil {
            // The account's first request pins its version (research §8).
            identity.apiVersion = try await ledger.pinAPIVersion(accountID: identity.accountID,
                                                                 requestedVersion ?? StripeAPIVersion.current)
            cache.store(hash, identity)
        }
        if identity.isPublishable, !PublishableKeyAccess.allows(request.method, path: request.uri.path) {
            throw APIErrors.secretKeyRequired
        }
        var caller = Caller(accountID: identity.accountID, isPlatform: identity.isPlatform, livemode: identity.livemode,
                            keyHash: hash, isPublishable: identity.isPublishable, accountAPIVersion: identity.apiVersion)
        if let target = request.headers[.stripeAccount], !target.isEmpty, target != identity.accountID {
            guard identity.isPlatform, let account = try await ledger.accountRecord(target), !account.isPlatform else {
                throw APIErrors.noAccess(target)
            }
            // A platform acting for a merchant speaks the platform's version, as Stripe's Connect does.
            caller = Caller(accountID: account.id, isPlatform: false, livemode: account.livemode, keyHash: hash,
                            accountAPIVersion: identity.apiVersion)
        }
        return caller
    }

    /// The dashboards authenticate on their own (a session cookie or the platform key) and answer HTML.
    static func isDashboard(_ path: String) -> Bool { path == "/dashboard" || path.hasPrefix("/dashboard/") }

    /// The hosted 3-D Secure pages: their token is their credential.
    static func isAuthenticationPage(_ path: String) -> Bool { path.hasPrefix(AuthenticationPageController.pathPrefix) }

    /// Stripe.js's `key=pk_…`: in the query, or in a POST's form body (read here, then kept in the request).
    static func formKey(from request: inout Request, bodyBytesMax: Int) async throws -> String? {
        func key(in form: Form) -> String? {
            guard case .value(let key) = form["key"], !key.isEmpty else { return nil }
            return key
        }
        if let query = request.uri.query, query.contains("key="), let found = key(in: try Form.parse(query[...])) {
            return found
        }
        guard request.method == .post else { return nil }
        let body = try await request.collectBody(upTo: bodyBytesMax)
        return key(in: try Form.parse(bytes: body.readableBytesView))
    }

    static func key(from request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        if header.hasPrefix("Bearer ") {
            let key = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return key.isEmpty ? nil : key
        }
        if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
           let decoded = String(data: data, encoding: .utf8)
        {
            let user = decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return user.isEmpty ? nil : String(user)
        }
        return nil
    }
}

/// Key hash → identity, bounded (cleared when full) and short-lived: an entry is used until its key expires or for
/// ``freshnessSeconds`` at most, so a key rolled or revoked on another node stops working here within that time
/// (on this node at once: the keys controller clears the cache).
final class KeyCache: Sendable {
    struct Identity: Sendable {
        let accountID: String
        let isPlatform: Bool
        let livemode: Bool
        let isPublishable: Bool
        /// The key's account's pinned Stripe API version.
        var apiVersion: String?
        /// Unix seconds after which the store is asked again.
        let validUntil: Int64
    }

    private let entries = Mutex<[String: Identity]>([:])
    static let entriesMax = 10_000
    static let freshnessSeconds: Int64 = 5

    func identity(_ hash: String, now: Int64) -> Identity? {
        entries.withLock { entries in
            guard let identity = entries[hash] else { return nil }
            guard now < identity.validUntil else {
                entries[hash] = nil
                return nil
            }
            return identity
        }
    }

    func store(_ hash: String, _ identity: Identity?) {
        entries.withLock { entries in
            if entries.count >= Self.entriesMax { entries.removeAll() }
            entries[hash] = identity
        }
    }

    /// Forgets every entry (after a key of this node's store changed).
    func removeAll() { entries.withLock { $0.removeAll() } }
}
