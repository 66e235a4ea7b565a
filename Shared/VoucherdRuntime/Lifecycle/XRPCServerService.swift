import GRPCCore
public import XRPC
import NIOCore

/// The services over XRPC, as a lifecycle `Service`.
public typealias XRPCServerService = GRPCServerService<XRPCServerTransport>

extension GRPCServerService where Transport == XRPCServerTransport {
    /// The port the server is bound to; waits until it is listening (so port 0 works).
    public var port: Int {
        get async throws { try await self.server.transport.listeningAddress.port ?? 0 }
    }
}
