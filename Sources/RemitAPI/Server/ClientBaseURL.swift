import Foundation
import HTTPTypes
import Hummingbird

/// The scheme and authority a client used to reach this server, for the absolute URLs Remit answers with (a 3-D Secure
/// challenge page).
enum ClientBaseURL {
    static let hostLengthMax = 255

    /// Where the client reached this server, for the absolute URL of a challenge page: its `Host`, or behind a
    /// TLS-terminating proxy what the proxy says (`X-Forwarded-Proto: https`, `X-Forwarded-Host`, or `Forwarded`'s
    /// `proto=` and `host=`). Only the URL answered to this same client depends on them.
    static func of(_ request: Request) -> String {
        func valid(_ host: Substring) -> String? {
            let host = host.trimmingCharacters(in: .whitespaces)
            guard !host.isEmpty, host.count <= hostLengthMax,
                  host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) }) else { return nil }
            return host
        }
        func first(_ name: String) -> Substring? {
            HTTPField.Name(name).flatMap { request.headers[$0] }?.split(separator: ",").first
        }
        var proto = first("X-Forwarded-Proto").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var host = first("X-Forwarded-Host").flatMap(valid)
        if let forwarded = first("Forwarded") {
            for pair in forwarded.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                switch parts[0].lowercased() {
                case "proto": proto = proto ?? value.lowercased()
                case "host": host = host ?? valid(value[...])
                default: break
                }
            }
        }
        let authority = host ?? request.head.authority.flatMap { valid($0[...]) } ?? "127.0.0.1"
        return (proto == "https" ? "https://" : "http://") + authority
    }
}
