import ArgumentParser
import XRPC

/// `--endpoint host:port`, with IPv6 literals as `[::1]:port`. A wrapper rather than a
/// retroactive conformance of XRPC's type to ArgumentParser's protocol.
struct EndpointArgument: ExpressibleByArgument, Sendable, Hashable {
    var endpoint: XRPCEndpoint

    init(_ endpoint: XRPCEndpoint) { self.endpoint = endpoint }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":") else { return nil }
        var host = Substring(argument[..<colon])
        guard let port = Int(argument[argument.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            // An IPv6 literal without brackets is ambiguous about where the port starts.
            return nil
        }
        guard !host.isEmpty else { return nil }
        self.endpoint = XRPCEndpoint(host: String(host), port: port)
    }

    var defaultValueDescription: String { self.endpoint.description }
}
