import Foundation
import GRPCCore

/// Converts between GRPCCore statuses and the wire's `Trailers`, and maps XRPC error codes onto
/// gRPC status codes for the caller.
enum XRPCStatusMapping {
    static func trailers(status: Status, metadata: Metadata) -> Xrpc_V1_Trailers {
        var trailers = Xrpc_V1_Trailers()
        trailers.code = UInt32(status.code.rawValue)
        trailers.message = status.message
        if let details = metadata[binaryValues: XRPCMetadataMapping.statusDetailsKey].first(where: { _ in true }) {
            trailers.details = Data(details)
        }
        trailers.metadata = XRPCMetadataMapping.entries(from: metadata, excluding: [XRPCMetadataMapping.statusDetailsKey])
        return trailers
    }

    static func status(from trailers: Xrpc_V1_Trailers) throws(XRPCMetadataError) -> (Status, Metadata) {
        // An unknown code maps to UNKNOWN, as gRPC specifies for codes outside 0...16.
        let code = Int(exactly: trailers.code).flatMap(Status.Code.init(rawValue:)) ?? .unknown
        var metadata = try XRPCMetadataMapping.metadata(from: trailers.metadata)
        if !trailers.details.isEmpty {
            metadata.addBinary(Array(trailers.details), forKey: XRPCMetadataMapping.statusDetailsKey)
        }
        return (Status(code: code, message: trailers.message), metadata)
    }

    /// The error a caller sees when the peer resets its stream with `code`.
    static func error(forReset code: XRPCErrorCode, reason: String) -> RPCError {
        let detail = reason.isEmpty ? "" : ": \(reason)"
        switch code {
        case .refusedStream:
            return RPCError(code: .unavailable, message: "stream refused by the server, not processed\(detail)", cause: XRPCNotProcessed())
        case .cancel:
            return RPCError(code: .cancelled, message: "stream cancelled by the peer\(detail)")
        case .enhanceYourCalm:
            return RPCError(code: .resourceExhausted, message: "the peer reports excessive load (ENHANCE_YOUR_CALM)\(detail)")
        case .frameSizeError:
            return RPCError(code: .resourceExhausted, message: "the peer refused a frame as too large\(detail)")
        default:
            return RPCError(code: .internalError, message: "stream reset by the peer with \(code)\(detail)")
        }
    }
}
