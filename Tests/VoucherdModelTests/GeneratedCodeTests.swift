import Crypto
import Foundation
import GRPCCore
import SwiftProtobuf
import Testing
import VoucherdModel

/// The generated Swift code is committed, and building the protoc plugins takes minutes, so CI
/// does not regenerate it. Instead, proto/generate.sh records a fingerprint of its inputs, and
/// this test recomputes it: editing a .proto file (or the plugin versions) without regenerating
/// fails here.
@Suite("Committed generated code")
struct GeneratedCodeTests {
    static let protoDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("proto")

    /// The same lines proto/hash.sh prints.
    static func fingerprint() throws -> String {
        let root = Self.protoDirectory
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            if relative.hasSuffix(".proto"), !relative.hasPrefix("plugins/") { files.append(relative) }
        }
        var lines: [String] = []
        for file in files.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            lines.append("\(digest)  \(file)")
        }
        let manifest = try String(contentsOf: root.appendingPathComponent("plugins/Package.swift"), encoding: .utf8)
        for package in ["swift-protobuf", "grpc-swift-protobuf"] {
            let marker = "\(package).git\", exact: \""
            guard let start = manifest.range(of: marker)?.upperBound,
                let end = manifest[start...].firstIndex(of: "\"")
            else {
                throw FingerprintError(description: "proto/plugins/Package.swift does not pin \(package) with exact:")
            }
            lines.append("plugin \(package) \(manifest[start..<end])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct FingerprintError: Error, CustomStringConvertible {
        var description: String
    }

    @Test("proto/generated.sha256 matches the .proto files: run proto/generate.sh after editing them")
    func generatedCodeIsFresh() throws {
        let recorded = try String(contentsOf: Self.protoDirectory.appendingPathComponent("generated.sha256"), encoding: .utf8)
        #expect(try Self.fingerprint() == recorded, "The committed generated code is stale. Run proto/generate.sh and commit the result.")
    }

    @Test("the generated messages and service descriptors are the ones the protos define")
    func generatedTypesMatch() throws {
        var request = Voucherd_V1_EchoRequest()
        request.payload = Data("x".utf8)
        request.forward = true
        let decoded = try Voucherd_V1_EchoRequest(serializedBytes: try request.serializedBytes() as [UInt8])
        #expect(decoded == request)
        #expect(Voucherd_V1_Testing.Method.Echo.descriptor.fullyQualifiedMethod == "voucherd.v1.Testing/Echo")
        #expect(Voucherd_V1_Testing.Method.Converse.descriptor.fullyQualifiedMethod == "voucherd.v1.Testing/Converse")
    }
}
