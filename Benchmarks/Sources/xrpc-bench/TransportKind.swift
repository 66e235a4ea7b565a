/// What carries the echo calls. Every kind serves the same echo (see ``BenchEchoService``;
/// `raw-tls` answers the same requests without an RPC layer).
enum TransportKind: String, CaseIterable, Codable, Sendable {
    /// XRPC/1 with mutual TLS, client and server transports at their defaults.
    case xrpc
    /// gRPC over HTTP/2 (grpc-swift-nio-transport, Posix) with mutual TLS and an 8 MiB
    /// `targetWindowSize` on both sides: the peer at its best.
    case http2Tuned = "http2-8mib"
    /// gRPC over HTTP/2 with mutual TLS and the library's defaults (a 64 KiB server window).
    case http2Default = "http2-default"
    /// GRPCCore's in-process transport: no sockets, no TLS, no framing. The ceiling.
    case inProcess = "inprocess"
    /// Length-prefixed frames echoed by a NIO handler over mutual TLS, without any RPC layer:
    /// the floor that framing and TLS set.
    case rawTLS = "raw-tls"
}
