import Foundation
import RemitAPI
import RemitApp
import RemitTesting
import Testing

/// The HTTP server protects itself: idle and half-open connections, trickled bodies, oversized bodies.
struct ServerLimitTests {
    static func app(_ engine: TestEngine, connectionsMax: Int = 10_000, idleTimeout: Duration = .seconds(2),
                    requestReadTimeout: Duration = .seconds(2)) async throws -> RemitTestApp {
        try await RemitTestApp.make(engine) { configuration in
            configuration.server.connectionsMax = connectionsMax
            configuration.server.idleTimeout = idleTimeout
            configuration.server.requestReadTimeout = requestReadTimeout
        }
    }

    static func healthCheck(port: Int) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: remit\r\nConnection: close\r\n\r\n")
        return String(decoding: await connection.received(timeoutMilliseconds: 120_000).bytes, as: UTF8.self)
    }

    @Test(arguments: TestEngine.available)
    func aThousandHalfOpenConnectionsDoNotKeepANormalRequestOut(engine: TestEngine) async throws {
        // Idle connections are not timed out during the test: only the cap closes them.
        let app = try await Self.app(engine, connectionsMax: 200, idleTimeout: .seconds(600),
                                     requestReadTimeout: .seconds(600))
        try await app.testLive { port in
            var held: [RawConnection] = []
            for index in 0..<1_000 {
                let connection = try await RawConnection.open(port: port)
                connection.send("POST /v1/charges HTTP/1.1\r\nHost: remit\r\nX-Half-Open: \(index)")
                held.append(connection)
            }
            let answer = try await Self.healthCheck(port: port)
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
            #expect(answer.contains("\"status\":\"ok\""))
            // The earliest of them were closed to make room: at the cap, the longest-idle goes.
            #expect(await held[0].closedByServer(within: 120_000))
            withExtendedLifetime(held) {}
        }
    }

    @Test(arguments: TestEngine.available)
    func aHeadThatNeverEndsAndABodyTrickledByteByByteAreCutOff(engine: TestEngine) async throws {
        let app = try await Self.app(engine)
        try await app.testLive { port in
            let silent = try await RawConnection.open(port: port)
            silent.send("POST /v1/charges HTTP/1.1\r\nHost: remit\r\n")
            let trickling = try await RawConnection.open(port: port)
            trickling.send("POST /v1/charges HTTP/1.1\r\nHost: remit\r\nAuthorization: Bearer sk_test_x\r\n"
                           + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n")
            // One byte every 300 ms: each read is well inside the idle timeout, the whole body would take a minute.
            let trickle = Task.detached {
                for _ in 0..<200 {
                    guard trickling.send("a") else { return true }
                    try? await Task.sleep(for: .milliseconds(300))
                }
                return false
            }
            #expect(await silent.closedByServer(within: 120_000), "a head that never completes is closed (idle timeout)")
            #expect(await trickle.value, "a trickled body is cut off before it is sent whole")
            let answer = try await Self.healthCheck(port: port)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test(arguments: TestEngine.available)
    func aBodyDeclaredLargerThanTheLimitIsRefusedBeforeItIsSent(engine: TestEngine) async throws {
        // Timeouts far off: under a loaded machine the answer must not race the 2 s the timeout tests use.
        let app = try await Self.app(engine, idleTimeout: .seconds(600), requestReadTimeout: .seconds(600))
        try await app.testLive { port in
            let connection = try await RawConnection.open(port: port)
            connection.send("POST /v1/charges HTTP/1.1\r\nHost: remit\r\nAuthorization: Bearer sk_test_x\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\n")
            // The server keeps the connection for the body it was promised; the answer's end is enough.
            let answer = String(decoding: await connection.received(timeoutMilliseconds: 120_000) { bytes in
                String(decoding: bytes, as: UTF8.self).hasSuffix("}")
            }.bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
            #expect(answer.contains("invalid_request_error"))
        }
    }
}
