// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Remit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "remit", targets: ["remit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Money, currencies, identifiers, clocks: no dependencies.
        .target(name: "RemitCore", swiftSettings: swiftSettings),
        // Gradient-boosted trees: XGBoost JSON models, scoring, TreeSHAP, a histogram trainer (no domain types).
        .target(name: "GradientBoosting", swiftSettings: swiftSettings),
        // A Parquet writer (Thrift compact footer, PLAIN and dictionary pages, snappy): no domain types.
        .target(name: "Parquet", swiftSettings: swiftSettings),
        // The streaming window engine (flow 3): watermarks, tumbling windows, exact percentiles, the error-rate
        // alert rule. No I/O, no clock.
        .target(name: "StreamEngine", swiftSettings: swiftSettings),
        // Fraud (flow 4): the features, the model wrapper, decisions and reasons, and the risk check the ledger
        // calls inside a charge's transaction, with its tables (features, models, references) and retraining.
        .target(name: "RemitFraud", dependencies: [
            "RemitCore", "GradientBoosting", "RemitSQL", "RemitStore", "RemitProcessor", "RemitServices",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.copy("Resources/default-fraud-model.json")], swiftSettings: swiftSettings),
        // What every background worker shares: the store-ready latch, the periodic loop with graceful shutdown, and
        // the scheduler that runs each periodic job (daily, weekly, monthly) on one node.
        .target(name: "RemitServices", dependencies: [
            "RemitCore", "RemitSQL",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // The card-processor seam and Stripe's test-mode simulator.
        .target(name: "RemitProcessor", dependencies: ["RemitCore"], swiftSettings: swiftSettings),
        // One SQL text, two engines: the interpolation type, values, rows, the engine protocol, migrations.
        .target(name: "RemitSQL", dependencies: ["RemitCore"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "RemitSQLite", dependencies: [
            "RemitSQL", "CSQLite",
        ], swiftSettings: swiftSettings),
        .target(name: "RemitPostgres", dependencies: [
            "RemitSQL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // Alerts: one way to raise them (log, audit table, chat webhook, PagerDuty), reused by every flow.
        .target(name: "RemitAlerts", dependencies: [
            "RemitSQL",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // Webhooks (flow 5): endpoints, the outbox fan-out, the delivery queue, the worker and the health monitor,
        // signatures, retry schedules, the SSRF guard, the HTTP sender.
        .target(name: "RemitWebhooks", dependencies: [
            "RemitCore", "RemitSQL", "RemitStore", "RemitServices", "RemitAlerts",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // The ledger: schema, business transactions (one method = one transaction), change capture, outbox.
        .target(name: "RemitStore", dependencies: [
            "RemitCore", "RemitSQL", "RemitProcessor",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // The nightly ETL (flow 2): net changes of the change capture staged to the Parquet lake.
        .target(name: "RemitETL", dependencies: [
            "RemitStore", "RemitSQL", "RemitCore", "Parquet",
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources/ecb-eurofxref-hist-2026.csv")], swiftSettings: swiftSettings),
        // Streaming analytics (flow 3): the request log's change feed through the window engine into the warehouse,
        // with checkpoints, partition leases and the error-rate alert.
        .target(name: "RemitStreaming", dependencies: [
            "StreamEngine", "RemitStore", "RemitSQL", "RemitCore", "RemitAlerts", "RemitServices",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: swiftSettings),
        // The Stripe-compatible HTTP API.
        .target(name: "RemitAPI", dependencies: [
            "RemitCore", "RemitSQL", "RemitStore", "RemitProcessor", "RemitFraud", "RemitAlerts", "GradientBoosting",
            "RemitServices", "RemitWebhooks",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // The dashboards (the seed's Power BI) as web pages: sessions, the pages' queries, server-side SVG charts,
        // Mustache templates (HTML escaped by default). Nothing fetched from elsewhere.
        .target(name: "RemitDashboard", dependencies: [
            "RemitAPI", "RemitCore", "RemitSQL", "RemitStore", "RemitStreaming", "RemitWebhooks",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], swiftSettings: swiftSettings),
        // Composition root: configuration, engines, services, the application.
        .target(name: "RemitApp", dependencies: [
            "RemitCore", "RemitServices", "RemitSQL", "RemitSQLite", "RemitPostgres", "RemitStore", "RemitAPI", "RemitFraud", "RemitProcessor",
            "RemitAlerts", "RemitWebhooks", "RemitETL", "RemitStreaming", "StreamEngine", "RemitDashboard",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // The HTTP load generator behind `remit bench`, and the ledger torture (no domain types: it speaks HTTP).
        .target(name: "RemitBench", dependencies: [
            "GradientBoosting",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        // What the commands share: the store options, durations, logging, a hand-moved clock.
        .target(name: "RemitCommandSupport", dependencies: [
            "RemitApp", "RemitCore", "RemitSQLite",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // `remit bench`: the in-process benchmarks of every flow as commands, and the HTTP ones driving RemitBench.
        .target(name: "RemitBenchmarks", dependencies: [
            "RemitCommandSupport", "RemitApp", "RemitBench", "RemitCore", "RemitSQL", "RemitStore", "RemitServices",
            "RemitWebhooks", "RemitETL", "RemitStreaming", "StreamEngine", "Parquet", "GradientBoosting", "RemitAPI",
            "RemitProcessor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // `remit demo` and `remit simulate`: a year of history and live traffic through the real API.
        .target(name: "RemitDemo", dependencies: [
            "RemitCommandSupport", "RemitApp", "RemitBench", "RemitCore", "RemitSQL", "RemitStore", "RemitAPI",
            "RemitETL", "RemitFraud", "RemitStreaming", "RemitWebhooks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .executableTarget(name: "remit", dependencies: [
            "RemitCommandSupport", "RemitBenchmarks", "RemitDemo", "RemitApp", "RemitCore", "RemitStore", "GradientBoosting", "RemitWebhooks", "RemitETL",
            "RemitFraud",
            "RemitStreaming", "StreamEngine", "RemitSQL", "RemitAPI",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swiftSettings),
        .target(name: "RemitTesting", dependencies: [
            "RemitApp", "RemitBench", "RemitCore", "RemitSQL", "RemitPostgres",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "RemitSQLiteTests", dependencies: ["RemitSQLite", "RemitSQL"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitAppTests", dependencies: [
            "RemitApp", "RemitAPI", "RemitStore", "RemitTesting", "RemitSQL", "RemitFraud", "RemitCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitServicesTests", dependencies: [
            "RemitServices",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "RemitAlertsTests", dependencies: [
            "RemitAlerts",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "StreamEngineTests", dependencies: ["StreamEngine"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitDashboardTests", dependencies: ["RemitDashboard"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitETLTests", dependencies: ["RemitETL", "RemitStore", "RemitCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitWebhooksTests", dependencies: ["RemitCore", "RemitWebhooks"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitCoreTests", dependencies: ["RemitCore"], swiftSettings: swiftSettings),
        .testTarget(name: "GradientBoostingTests", dependencies: ["GradientBoosting"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitFraudTests", dependencies: ["RemitFraud"], swiftSettings: swiftSettings),
        .testTarget(name: "RemitAPITests", dependencies: ["RemitServices", 
            "RemitTesting", "RemitApp", "RemitAPI", "RemitStore", "RemitSQL", "RemitCore", "RemitFraud", "GradientBoosting", "RemitProcessor",
            "RemitBench", "RemitWebhooks", "RemitAlerts", "RemitETL", "RemitStreaming", "StreamEngine",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
    ]
)
