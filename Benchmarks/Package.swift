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
    ],
    targets: [
        // Group commit against one transaction per request: N concurrent durable writers on a
        // fresh store, throughput and latency percentiles for both modes in the same run.
        .executableTarget(
            name: "store-bench",
            dependencies: [
                .product(name: "VoucherdStore", package: "Voucherd"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/store-bench",
            swiftSettings: swiftSettings
        ),
    ]
)
