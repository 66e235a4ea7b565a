import Foundation
import GRPCCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Metadata on the wire", .timeLimit(.minutes(2)))
struct MetadataTests {
    @Test("keys travel lowercase; binary values keep their bytes; text under -bin is read as base64")
    func mapping() throws {
        var metadata = Metadata()
        metadata.addString("abc", forKey: "X-Trace")
        metadata.addBinary([0, 1, 2, 255], forKey: "blob-bin")
        metadata.addString("AAEC/w==", forKey: "text-bin")
        let entries = XRPCMetadataMapping.entries(from: metadata)
        #expect(entries.map(\.key) == ["x-trace", "blob-bin", "text-bin"])
        #expect(entries[1].binary == Data([0, 1, 2, 255]))
        #expect(entries[2].binary == Data([0, 1, 2, 255]))
        let back = try XRPCMetadataMapping.metadata(from: entries)
        #expect(back[stringValues: "x-trace"].first(where: { _ in true }) == "abc")
        #expect(back[binaryValues: "blob-bin"].first(where: { _ in true }) == [0, 1, 2, 255])
    }

    @Test("received keys are lowercased in ASCII only; anything else outside [a-z0-9-_.] is refused")
    func receivedKeys() throws {
        var upper = Xrpc_V1_MetadataEntry()
        upper.key = "X-Trace"
        upper.text = "v"
        #expect(try XRPCMetadataMapping.metadata(from: [upper])[stringValues: "x-trace"].first(where: { _ in true }) == "v")
        for key in ["", "bad key", "\u{212A}ey", "naïve"] {
            var entry = Xrpc_V1_MetadataEntry()
            entry.key = key
            entry.text = "v"
            #expect(throws: XRPCMetadataError.self) { try XRPCMetadataMapping.metadata(from: [entry]) }
        }
    }

    @Test("a status message too long for the client's header limit is shortened, not lost")
    func longStatusMessage() {
        #expect(XRPCConnectionHandler.prefix(of: "héllo", fittingIn: 3) == "hé")
        #expect(XRPCConnectionHandler.prefix(of: "héllo", fittingIn: 2) == "h")
        #expect(XRPCConnectionHandler.prefix(of: "short", fittingIn: 100) == "short")
    }

    @Test("a caller's invalid metadata key fails the call locally with INVALID_ARGUMENT")
    func invalidKeyFromCaller() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let error = await rpcError {
                    _ = try await client.echo(.with(payload: "x", delayMillis: 1), metadata: ["bad key": "v"])
                }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("bad key") == true)
                #expect(events.count("started:Echo") == 0)
            }
        }
    }

    @Test("a long error message reaches a client with the smallest header limit")
    func statusFitsSmallHeaderLimit() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            var config = XRPCClientTransport.Config.defaults
            config.settings.maxHeaderSize = XRPCSettings.minimumHeaderSize
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS(), config: config) { client in
                let long = String(repeating: "é", count: 3_000)
                let error = await rpcError { _ = try await client.echo(.with(failCode: 9, failMessage: long)) }
                #expect(error?.code == .failedPrecondition)
                #expect(error.map { long.hasPrefix($0.message) && !$0.message.isEmpty } == true)
            }
        }
    }
}
