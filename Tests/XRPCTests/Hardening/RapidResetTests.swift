import Foundation
import NIOCore
import Testing
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: rapid reset (HEADERS + RST floods)", .timeLimit(.minutes(2)))
struct RapidResetTests {
    typealias H = HardeningFixtures

    /// The window is far longer than any test run, so the outcome depends on counts only.
    static func config(limit: Int) -> XRPCServerTransport.Config {
        H.config {
            $0.maxPeerResets = limit
            $0.peerResetWindow = .seconds(3_600)
        }
    }

    /// HEADERS opening stream `id`, then RST CANCEL for it.
    static func openAndReset(_ id: UInt32) -> [XRPCFrame] {
        var rst = ByteBuffer()
        rst.writeInteger(XRPCErrorCode.cancel.rawValue)
        rst.writeString("changed my mind")
        return [H.headers(id), XRPCFrame(type: .rst, streamID: id, payload: rst)]
    }

    @Test("thousands of HEADERS+RST pairs get GOAWAY ENHANCE_YOUR_CALM, and other clients are still served")
    func flood() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: Self.config(limit: 100)) { endpoint in
            let frames = try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    // Sent in batches, as an attacker would; the server may close before the
                    // last batch, so a failed send is expected.
                    for batch in 0..<20 {
                        let frames = (0..<100).flatMap { Self.openAndReset(UInt32(2 * (batch * 100 + $0) + 1)) }
                        do { try await connection.send(frames) } catch { break }
                    }
                    return try await connection.framesUntilClose()
                }
            }
            let goAway = try #require(frames.last.flatMap(RawProtocolTests.goAway), "frames: \(frames.map(\.type))")
            #expect(goAway.code == .enhanceYourCalm)
            #expect(goAway.debug.contains("reset by the client"))
        }
    }

    @Test("resets up to the limit are allowed: the connection keeps serving calls")
    func withinTheLimit() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: Self.config(limit: 50)) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                try await connection.handshake()
                try await connection.send((0..<50).flatMap { Self.openAndReset(UInt32(2 * $0 + 1)) })
                // A real call after the resets is answered on the same connection.
                let id: UInt32 = 101
                try await connection.send(H.headers(id), try H.request(id, .with(payload: "still here")))
                var sawTrailers = false
                while let frame = try await connection.nextFrame() {
                    #expect(frame.type != .goaway)
                    if frame.streamID == id && frame.type == .trailers {
                        sawTrailers = true
                        break
                    }
                }
                #expect(sawTrailers)
            }
        }
    }
}
