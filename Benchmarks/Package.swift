// swift-tools-version: 6.1
import PackageDescription

// The same settings as the main package (see ../Package.swift).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// A separate package, so the main build stays lean; CI does not build it.
let package = Package(
    name: "VoucherdBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Voucherd", path: ".."),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Already in the graph through VoucherdStore; listed so the benchmark may import them
        // (the SQL in a write body, and quietening the store's logger). Same ranges as ../Package.swift.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // For code-bench: the store's writer reports transaction durations only as metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // For xrpc-bench: the transports and NIO pieces it compares. Same ranges as ../Package.swift.
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Group commit against one transaction per request: N concurrent durable writers on a
        // fresh store, throughput and latency percentiles for both modes in the same run.
        .executableTarget(
            name: "store-bench",
            dependencies: [
                .product(name: "BenchSupport", package: "Voucherd"),
                .product(name: "VoucherdStore", package: "Voucherd"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/store-bench",
            swiftSettings: swiftSettings
        ),
        // GenerateCodes storing 1M codes on a durable store (DESIGN §6: ≤ 5 s), with how long
        // each transaction held the writer and what a concurrent write waited meanwhile.
        .executableTarget(
            name: "code-bench",
            dependencies: [
                .product(name: "BenchSupport", package: "Voucherd"),
                .product(name: "IssuanceService", package: "Voucherd"),
                .product(name: "VoucherdModel", package: "Voucherd"),
                .product(name: "VoucherdStore", package: "Voucherd"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/code-bench",
            swiftSettings: swiftSettings
        ),
        // XRPC/1 against gRPC over HTTP/2 (tuned and default), the in-process transport (the
        // ceiling) and a bare length-prefixed echo over mTLS (the floor), with the same echo
        // service and loads in one run.
        .executableTarget(
            name: "xrpc-bench",
            dependencies: [
                .product(name: "BenchSupport", package: "Voucherd"),
                .product(name: "XRPC", package: "Voucherd"),
                .product(name: "VoucherdModel", package: "Voucherd"),
                .product(name: "VoucherdPKI", package: "Voucherd"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/xrpc-bench",
            swiftSettings: swiftSettings
        ),
    ]
)
