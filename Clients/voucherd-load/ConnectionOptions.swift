import ArgumentParser
import XRPC

/// Where the service is and how to reach it: endpoints, the TLS files `voucherctl certs init`
/// writes, and how many separate XRPC transports to spread calls over.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("endpoint"),
        help: ArgumentHelp("The service to load, host:port ([v6]:port for IPv6); repeat for several.", valueName: "host:port"))
    var endpointArguments: [EndpointArgument] = []

    /// The `--endpoint`s given.
    var endpoints: [XRPCEndpoint] { self.endpointArguments.map(\.endpoint) }

    @Option(
        name: .customLong("certs"),
        help: ArgumentHelp(
            "A directory written by `voucherctl certs init`: uses <dir>/ca.crt, <dir>/load.crt and <dir>/load.key "
                + "unless --ca, --cert or --key say otherwise.",
            valueName: "dir"))
    var certsDirectory: String?

    @Option(help: ArgumentHelp("The CA certificate that server certificates chain to (PEM).", valueName: "path"))
    var ca: String?

    @Option(help: ArgumentHelp("This client's certificate chain (PEM), for mutual TLS.", valueName: "path"))
    var cert: String?

    @Option(help: ArgumentHelp("This client's private key (PEM).", valueName: "path"))
    var key: String?

    @Option(
        name: .customLong("server-name"),
        help: ArgumentHelp("The name the server certificate must carry. Default: the endpoint's host.", valueName: "name"))
    var serverName: String?

    @Option(help: "Separate XRPC transports (one connection per endpoint each) that calls are spread over.")
    var connections: Int = 4

    mutating func validate() throws {
        guard self.connections > 0 else { throw ValidationError("--connections must be at least 1.") }
        guard self.resolvedCA != nil else { throw ValidationError("Give --ca (or --certs) so the server can be verified.") }
        if (self.resolvedCert == nil) != (self.resolvedKey == nil) {
            throw ValidationError("--cert and --key go together.")
        }
    }

    /// Checks that `--endpoint` was given; scenarios that need it call this.
    func requireEndpoints(of service: String) throws -> [XRPCEndpoint] {
        guard !self.endpoints.isEmpty else {
            throw ValidationError("Give the \(service) service's address with --endpoint host:port.")
        }
        return self.endpoints
    }

    var resolvedCA: String? { self.ca ?? self.certsDirectory.map { $0 + "/ca.crt" } }
    var resolvedCert: String? { self.cert ?? self.certsDirectory.map { $0 + "/load.crt" } }
    var resolvedKey: String? { self.key ?? self.certsDirectory.map { $0 + "/load.key" } }

    /// The client TLS configuration; files are read when a transport is created.
    var tls: XRPCClientTLS {
        XRPCClientTLS(
            certificateChain: self.resolvedCert.map { .file(path: $0) },
            privateKey: self.resolvedKey.map { .file(path: $0) },
            trustRoots: .file(path: self.resolvedCA ?? ""),
            serverHostname: self.serverName)
    }

    /// The options as they go into the report.
    func reportEntries(endpoints: [XRPCEndpoint]) -> [String: String] {
        [
            "endpoints": endpoints.map(\.description).joined(separator: ","),
            "connections": String(self.connections),
            "ca": self.resolvedCA ?? "",
            "cert": self.resolvedCert ?? "",
        ]
    }
}
