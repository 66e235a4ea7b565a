// swift-tools-version: 6.1
import PackageDescription

// One settings array for every target, as grpc-swift-2, hummingbird and swift-nio do.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Voucherd",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "XRPC", targets: ["XRPC"]),
        .library(name: "VoucherdModel", targets: ["VoucherdModel"]),
        .library(name: "VoucherdPKI", targets: ["VoucherdPKI"]),
        .library(name: "VoucherdStore", targets: ["VoucherdStore"]),
        .library(name: "VoucherdRuntime", targets: ["VoucherdRuntime"]),
        .library(name: "IdentityService", targets: ["IdentityService"]),
        .executable(name: "voucherd-identity", targets: ["voucherd-identity"]),
        .library(name: "IssuanceService", targets: ["IssuanceService"]),
        .executable(name: "voucherd-issuance", targets: ["voucherd-issuance"]),
        .executable(name: "voucherctl", targets: ["voucherctl"]),
        .executable(name: "voucherd-load", targets: ["voucherd-load"]),
        .library(name: "BenchSupport", targets: ["BenchSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // The transport: GRPCCore's ClientTransport/ServerTransport over XRPC/1. Knows nothing
        // about coupons; holds its own generated xrpc/v1 messages.
        .target(
            name: "XRPC",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Shared/XRPC",
            swiftSettings: swiftSettings
        ),
        // Generated voucherd/v1 messages and stubs, plus domain logic shared between services:
        // principals, roles and the access-token claims every service verifies (Auth/).
        .target(
            name: "VoucherdModel",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Shared/VoucherdModel",
            swiftSettings: swiftSettings
        ),
        // A local certificate authority: the CA and per-service/client certificates that the
        // services, the demo and the tests use.
        .target(
            name: "VoucherdPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Shared/VoucherdPKI",
            swiftSettings: swiftSettings
        ),
        // SQLite foundation on GRDB: pragmas, migrations, the group-commit writer, idempotency
        // records, the outbox and its relay, the audit chain.
        .target(
            name: "VoucherdStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/VoucherdStore",
            swiftSettings: swiftSettings
        ),
        // What every service executable shares: authentication, authorization, rate limiting
        // (and, with the runtime issue, configuration, logging, metrics, health, lifecycle).
        .target(
            name: "VoucherdRuntime",
            dependencies: [
                "XRPC",
                "VoucherdModel",
                "VoucherdStore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Shared/VoucherdRuntime",
            swiftSettings: swiftSettings
        ),
        // The identity service's logic and schema: principals, credentials, tokens, members,
        // points, devices, referrals, privacy. GRPCCore and the store only, no NIO, so its
        // tests run it in process.
        .target(
            name: "IdentityService",
            dependencies: [
                "VoucherdModel",
                "VoucherdStore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Identity/IdentityService",
            swiftSettings: swiftSettings
        ),
        // The identity executable: configuration in, a ServiceGroup out.
        .executableTarget(
            name: "voucherd-identity",
            dependencies: [
                "IdentityService",
                "VoucherdRuntime",
                "VoucherdStore",
                "VoucherdModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Services/Identity/voucherd-identity",
            swiftSettings: swiftSettings
        ),
        // The issuance service's logic and schema: campaigns, claims, codes, wallets, transfers,
        // checkout locks, the referral reward feed. GRPCCore and the store only, no NIO (Metrics
        // is the API package alone: the feed's gauges and counters).
        .target(
            name: "IssuanceService",
            dependencies: [
                "VoucherdModel",
                "VoucherdStore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Services/Issuance/IssuanceService",
            swiftSettings: swiftSettings
        ),
        // The issuance executable: configuration in, a ServiceGroup out.
        .executableTarget(
            name: "voucherd-issuance",
            dependencies: [
                "IssuanceService",
                "VoucherdRuntime",
                "VoucherdStore",
                "VoucherdModel",
                "XRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Services/Issuance/voucherd-issuance",
            swiftSettings: swiftSettings
        ),
        // The operator CLI: the local CA and certificates, and identity's operations over XRPC
        // (login and a session file, principals, members, points, audit).
        .executableTarget(
            name: "voucherctl",
            dependencies: [
                "VoucherdPKI",
                "VoucherdModel",
                "XRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Clients/voucherctl",
            swiftSettings: swiftSettings
        ),
        // The load generator: scenarios over XRPC against running services, latency
        // percentiles from HdrHistogram, a table and JSON.
        // The description of the machine a measurement ran on, for the benchmarks and voucherd-load.
        .target(
            name: "BenchSupport",
            path: "Shared/BenchSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "voucherd-load",
            dependencies: [
                "BenchSupport",
                "XRPC",
                "VoucherdModel",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Clients/voucherd-load",
            swiftSettings: swiftSettings
        ),
        // Test-only: a child process that writes through the group-commit writer and reports
        // each acknowledged write on stdout, so a test can kill -9 it and check the store.
        .executableTarget(
            name: "voucherd-store-crash-probe",
            dependencies: ["VoucherdStore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/VoucherdStoreCrashProbe",
            swiftSettings: swiftSettings
        ),
        // Test-only: the voucherd.v1.Testing service implementation and certificate fixtures,
        // shared by the XRPC tests and (later) the benchmarks.
        // One lock around Process.run() for every test target (see ProcessLaunch).
        .target(
            name: "ProcessTestSupport",
            path: "Tests/ProcessTestSupport",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "XRPCTestSupport",
            dependencies: [
                "XRPC",
                "VoucherdModel",
                "VoucherdPKI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/XRPCTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "XRPCTests",
            dependencies: [
                "XRPC",
                "ProcessTestSupport",
                "XRPCTestSupport",
                "VoucherdModel",
                "VoucherdPKI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/XRPCTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VoucherdModelTests",
            dependencies: [
                "VoucherdModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/VoucherdModelTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VoucherdStoreTests",
            dependencies: [
                "VoucherdStore",
                "ProcessTestSupport",
                "voucherd-store-crash-probe",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/VoucherdStoreTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VoucherdRuntimeTests",
            dependencies: [
                "VoucherdRuntime",
                "XRPC",
                "XRPCTestSupport",
                "VoucherdModel",
                "VoucherdStore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Tests/VoucherdRuntimeTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IdentityServiceTests",
            dependencies: [
                "IdentityService",
                "VoucherdModel",
                "VoucherdStore",
                "VoucherdRuntime",
                "XRPC",
                "XRPCTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/IdentityServiceTests",
            swiftSettings: swiftSettings
        ),
        // End to end on real processes: starts the built voucherd-identity (and voucherctl) with
        // certificates made at test time, and talks to them over XRPC.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "voucherd-identity",
                "ProcessTestSupport",
                "voucherd-issuance",
                "voucherctl",
                "VoucherdModel",
                "VoucherdPKI",
                "XRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/EndToEndTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IssuanceServiceTests",
            dependencies: [
                "IssuanceService",
                "VoucherdModel",
                "VoucherdStore",
                "XRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/IssuanceServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VoucherdPKITests",
            dependencies: [
                "VoucherdPKI",
                "ProcessTestSupport",
                "voucherctl",
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/VoucherdPKITests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VoucherdLoadTests",
            dependencies: [
                "BenchSupport",
                "voucherd-load",
                "XRPC",
                "XRPCTestSupport",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Tests/VoucherdLoadTests",
            swiftSettings: swiftSettings
        ),
    ]
)
