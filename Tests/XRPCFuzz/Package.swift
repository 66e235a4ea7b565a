// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for XRPC/1 (README.md beside this file). A package of its own, like
// swift-nio-http2's FuzzTesting/, because its binaries only link with
// `-sanitize=fuzzer` (libFuzzer supplies `main`), which the root package must never be built with.

// The root package's settings, unchanged.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "XRPCFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so that the product reference below does not depend on the checkout's folder name.
        .package(name: "Voucherd", path: "../.."),
    ],
    targets: [
        // Arbitrary bytes, split arbitrarily, into XRPCFrameDecoder.
        .executableTarget(
            name: "fuzz-frame-decoder",
            dependencies: [.product(name: "XRPC", package: "Voucherd")],
            path: "Sources/fuzz-frame-decoder",
            swiftSettings: swiftSettings
        ),
        // Arbitrary bytes into a whole server connection on an EmbeddedChannel.
        .executableTarget(
            name: "fuzz-server-connection",
            dependencies: [.product(name: "XRPC", package: "Voucherd")],
            path: "Sources/fuzz-server-connection",
            swiftSettings: swiftSettings
        ),
    ]
)
