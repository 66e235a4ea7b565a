import Foundation
import NIOCore
import SwiftProtobuf
import Testing
@_spi(Fuzzing) @testable import XRPC

/// Replays every seed and every crash input of the libFuzzer targets (Tests/XRPCFuzz) through the
/// same entry points, without sanitizers, so a crash that was found once stays fixed. An entry
/// point that traps crashes this test process, which fails the run.
@Suite("Fuzz corpus and crash replay")
struct FuzzReplayTests {
    static let targets = ["fuzz-frame-decoder", "fuzz-server-connection"]

    /// Tests/XRPCFuzz, found from this file so that the test works from any working directory.
    static let fuzzRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Fuzz
        .deletingLastPathComponent()  // XRPCTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("XRPCFuzz")

    /// The regular files of `Corpus/<target>` or `Crashes/<target>`, sorted; [] if the folder is missing.
    static func files(_ folder: String, _ target: String) -> [URL] {
        let directory = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Every input of `target`: its seed corpus, then its crash inputs.
    static func inputs(_ target: String) -> [URL] {
        files("Corpus", target) + files("Crashes", target)
    }

    @Test("each target has a seed corpus and a crash folder", arguments: targets)
    func corpusIsThere(_ target: String) throws {
        // Without this, a moved or emptied corpus would make the replay below pass vacuously.
        #expect(Self.files("Corpus", target).count >= 5, "Tests/XRPCFuzz/Corpus/\(target) is missing or nearly empty")
        var isDirectory: ObjCBool = false
        let crashes = Self.fuzzRoot.appendingPathComponent("Crashes").appendingPathComponent(target)
        #expect(FileManager.default.fileExists(atPath: crashes.path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("fuzz-frame-decoder: every corpus and crash input decodes without a trap", arguments: inputs("fuzz-frame-decoder"))
    func frameDecoder(_ input: URL) throws {
        let bytes = try Data(contentsOf: input)
        bytes.withUnsafeBytes { XRPCFuzzing.decodeFrames($0) }
    }

    @Test("fuzz-server-connection: every corpus and crash input runs a connection without a trap", arguments: inputs("fuzz-server-connection"))
    func serverConnection(_ input: URL) throws {
        let bytes = try Data(contentsOf: input)
        let harness = XRPCFuzzing.ServerHarness()
        defer { harness.shutdown() }
        _ = try bytes.withUnsafeBytes { try harness.run($0) }
    }

    @Test("the unary-call seed reaches the echo handler and back, so the harness is not a no-op")
    func unaryCallTranscript() throws {
        let bytes = try Data(contentsOf: Self.fuzzRoot.appendingPathComponent("Corpus/fuzz-server-connection/unary-call"))
        let harness = XRPCFuzzing.ServerHarness()
        defer { harness.shutdown() }
        let frames = try bytes.withUnsafeBytes { try harness.run($0) }.frames
        try #require(frames.map(\.type) == [.settings, .settings, .headers, .message, .trailers])
        #expect(frames[1].flags == .ack)
        #expect(frames[2...].allSatisfy { $0.streamID == 1 })
        #expect(frames[3].payload == ByteBuffer(string: "hello"))
        let trailers = try Xrpc_V1_Trailers(serializedBytes: Array(frames[4].payload.readableBytesView))
        #expect(trailers.code == 0)
    }

    @Test("a closed connection frees its XRPCConnectionHandler")
    func connectionHandlerIsFreed() throws {
        let bytes = try Data(contentsOf: Self.fuzzRoot.appendingPathComponent("Crashes/fuzz-server-connection/leak-connection-handler-cycle"))
        let harness = XRPCFuzzing.ServerHarness()
        defer { harness.shutdown() }
        let run = try bytes.withUnsafeBytes { try harness.run($0) }
        // It once leaked: handler -> inboundBudget -> its resume closure -> NIOLoopBound(handler).
        #expect(run.connectionHandlerReleased)
    }
}
