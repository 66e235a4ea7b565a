import GRPCCore

/// The `cause` of an `RPCError` for a call the server provably did not process: it refused the
/// stream (RST REFUSED_STREAM), the stream was above a GOAWAY's last stream id, or the call was
/// never sent. Such a call is safe to send again, even if it is not idempotent; the client
/// transport does so transparently (PROTOCOL.md "Client behaviour").
struct XRPCNotProcessed: Error, CustomStringConvertible {
    var description: String { "the server did not process the call; it is safe to retry" }
}

extension Error {
    /// Whether this error says the call was provably not processed by the server.
    var xrpcCallWasNotProcessed: Bool {
        guard let error = self as? RPCError else { return false }
        return error.cause is XRPCNotProcessed
    }
}
