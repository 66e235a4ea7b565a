import Foundation
import GRPCCore
import XRPC
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Which executable a ``RunningService`` runs. A type rather than a string, so each service's own
/// helpers (identity's clients, issuance's set-up and client) are offered on its processes only.
protocol ServiceExecutable {
    /// The executable's name in the products directory, such as `voucherd-identity`.
    static var name: String { get }
}

/// A started service process (`voucherd-identity`, `voucherd-issuance`), ready: its ports come
/// from its `ready` log line. Every service announces readiness the same way, so one helper
/// starts, waits for and stops them all; ``RunningIdentity`` and ``RunningIssuance`` add what is
/// specific to each.
struct RunningService<Executable: ServiceExecutable> {
    let child: ChildProcess
    let xrpcPort: Int
    let adminPort: Int

    /// Starts the executable and waits for its `ready` line (no sleeps: the line is the signal).
    /// - Parameter arguments: the whole command line.
    /// - Throws: ``E2EError`` with the output if it exits first.
    static func launch(arguments: [String]) async throws -> RunningService {
        let child = try ChildProcess(Executable.name, arguments: arguments)
        var seen: [String] = []
        for await line in child.lines {
            seen.append(line)
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["message"] as? String == "ready"
            else { continue }
            guard let xrpc = (object["xrpc_port"] as? String).flatMap(Int.init),
                let admin = (object["admin_port"] as? String).flatMap(Int.init)
            else {
                throw E2EError("ready line without ports: \(line)")
            }
            return RunningService(child: child, xrpcPort: xrpc, adminPort: admin)
        }
        let exit = await child.waitForExit()
        throw E2EError("\(Executable.name) exited (\(exit.status)) before ready:\n\(seen.joined(separator: "\n"))\n\(exit.stderr)")
    }

    /// SIGTERM, then waits for the exit.
    func stop() async -> (status: Int32, killed: Bool, stderr: String) {
        self.child.signal(SIGTERM)
        return await self.child.waitForExit()
    }

    /// `GET http://127.0.0.1:<admin>/<path>`: the status code and body.
    func admin(_ path: String) async throws -> (status: Int, body: String) {
        let url = URL(string: "http://127.0.0.1:\(self.adminPort)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The value of an unlabelled metric on the admin port's `/metrics`, nil while it is absent.
    func metric(_ name: String) async throws -> Double? {
        let metrics = try await self.admin("/metrics").body
        for line in metrics.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Runs `body` with a client over XRPC to this process, presenting `client`'s certificate
    /// from the fixture's CA.
    func withXRPCClient<T: Sendable>(
        _ fixture: IdentityFixture,
        client: String,
        _ body: (GRPCClient<XRPCClientTransport>) async throws -> T
    ) async throws -> T {
        let transport = try XRPCClientTransport(
            endpoints: [XRPCEndpoint(host: "127.0.0.1", port: self.xrpcPort)],
            tls: XRPCClientTLS(
                certificateChain: .file(path: fixture.certs.appendingPathComponent("\(client).crt").path),
                privateKey: .file(path: fixture.certs.appendingPathComponent("\(client).key").path),
                trustRoots: .file(path: fixture.certs.appendingPathComponent("ca.crt").path)
            )
        )
        return try await withGRPCClient(transport: transport, handleClient: body)
    }
}
