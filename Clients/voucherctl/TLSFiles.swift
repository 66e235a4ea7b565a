import ArgumentParser
import Foundation
import XRPC

/// Where identity listens and the TLS files to reach it with; `login` records them in the
/// session so later commands need none of these.
struct TLSFiles: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Identity's XRPC address.", valueName: "host:port"))
    var endpoint: String = "127.0.0.1:7443"

    @Option(
        name: .customLong("certs"),
        help: ArgumentHelp("The directory `voucherctl certs init` wrote; --ca/--cert/--key default to files in it.", valueName: "dir")
    )
    var certsDirectory: String = "deploy/certs"

    @Option(name: .long, help: ArgumentHelp("The client certificate's name in --certs (operator, gateway, load).", valueName: "name"))
    var client: String = "operator"

    @Option(name: .long, help: ArgumentHelp("CA certificates (PEM). Default: <certs>/ca.crt.", valueName: "file"))
    var ca: String?

    @Option(name: .long, help: ArgumentHelp("Client certificate (PEM). Default: <certs>/<client>.crt.", valueName: "file"))
    var cert: String?

    @Option(name: .long, help: ArgumentHelp("Client private key (PEM). Default: <certs>/<client>.key.", valueName: "file"))
    var key: String?

    @Option(name: .customLong("server-name"), help: ArgumentHelp("The name the server certificate must carry. Default: the endpoint's host.", valueName: "name"))
    var serverName: String?

    /// The resolved absolute paths (the session outlives the working directory).
    var resolved: (ca: String, certificate: String, key: String) {
        let directory = URL(fileURLWithPath: self.certsDirectory)
        func absolute(_ path: String?, _ fallback: String) -> String {
            URL(fileURLWithPath: path ?? directory.appendingPathComponent(fallback).path).standardizedFileURL.path
        }
        return (absolute(self.ca, "ca.crt"), absolute(self.cert, "\(self.client).crt"), absolute(self.key, "\(self.client).key"))
    }
}
