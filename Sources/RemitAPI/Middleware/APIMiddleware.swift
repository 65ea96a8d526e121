import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RemitCore
import RemitSQL
import RemitStore

/// The one middleware: request id, authentication, Stripe error rendering, metrics and the `api_logs`
/// document. It never lets an error escape as a non-Stripe response.
struct APIMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let authenticator: Authenticator
    let rateLimiter: RateLimiter?
    let metrics: APIMetrics
    let requestLog: APILogBuffer
    let clock: WallClock
    let ids: IDGenerator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        var context = context
        var request = request
        context.requestID = ids("req")
        context.logger[metadataKey: "request.id"] = "\(context.requestID)"
        var response: Response
        do {
            // A body declared larger than the API reads is refused before any of it is read.
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > APILimits.bodyBytesMax {
                throw APIErrors.bodyTooLarge
            }
            // A version Stripe never released is refused as Stripe refuses it; two headers are two versions.
            let versions = request.headers[values: .stripeVersion]
            var requested: String?
            if !versions.isEmpty {
                requested = versions.count == 1 ? StripeAPIVersion.requested(by: versions[0]) : nil
                if requested == nil { throw APIErrors.invalidVersion(versions.joined(separator: ", ")) }
            }
            context.caller = try await authenticator.authenticate(&request, bodyBytesMax: context.maxUploadSize,
                                                                  requestedVersion: requested)
            context.apiVersion = requested ?? context.caller?.accountAPIVersion ?? StripeAPIVersion.current
            if let caller = context.caller {
                context.logger[metadataKey: "account.id"] = "\(caller.accountID)"
                if let rateLimiter, !rateLimiter.allow(caller.keyHash) { throw APIErrors.rateLimited }
            }
            response = try await next(request, context)
        } catch {
            response = render(error, request: request, context: context)
        }
        response.headers[.requestID] = context.requestID
        response.headers[.stripeVersion] = context.apiVersion
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        metrics.record(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        let latencyMs = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        // The request log is the API's: the dashboards' own pages are not API traffic.
        guard !Authenticator.isDashboard(request.uri.path) else { return response }
        let accepted = requestLog.append(APILogEntry(
            logID: ids("log"), merchantID: context.caller?.accountID, endpoint: route, method: request.method.rawValue,
            statusCode: status, latencyMs: latencyMs, timestamp: Timestamp.iso8601(clock.now()),
            requestID: context.requestID, receivedMs: clock.unixMilliseconds().value))
        if !accepted { metrics.apiLogDropped() }
        context.logger.debug("request", metadata: [
            "http.method": "\(request.method.rawValue)", "http.route": "\(route)", "http.status": "\(status)",
            "latency_ms": "\(latencyMs)",
        ])
        return response
    }

    private func render(_ error: any Error, request: Request, context: Context) -> Response {
        let stripeError: StripeError
        switch error {
        case let error as StripeError:
            stripeError = error
        case let error as HTTPError where error.status == .notFound:
            stripeError = APIErrors.notFound
        case let error as HTTPError where error.status == .contentTooLarge:
            stripeError = APIErrors.bodyTooLarge
        case is NIOTooManyBytesError:
            stripeError = APIErrors.bodyTooLarge
        case let error as DatabaseError where error.code == .connection || error.code == .busy:
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            var response = JSONResponse.make(status: 503, body: APIErrors.unavailable.json.rendered())
            response.headers[.stripeShouldRetry] = "true"
            return response
        case let error as HTTPError where error.status.code < 500:
            stripeError = StripeError(httpStatus: Int(error.status.code), type: .invalidRequest,
                                      message: error.body ?? error.status.reasonPhrase)
        default:
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            stripeError = APIErrors.internalError
        }
        return JSONResponse.make(status: stripeError.responseStatus, body: stripeError.json.rendered())
    }
}

