// swift-tools-version: 6.1
// Builds the two protoc plugins from exactly the package versions the runtime links, so the
// generated code always matches the runtime. Kept out of the main package: building
// protoc-gen-swift takes minutes, and only proto/generate.sh needs it.
import PackageDescription

let package = Package(
    name: "VoucherdProtocPlugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
    ],
    targets: []
)
