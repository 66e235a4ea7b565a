import Foundation

/// A started `voucherd-identity`, ready: its ports come from its `ready` log line.
struct RunningIdentity {
    let child: ChildProcess
    let xrpcPort: Int
    let adminPort: Int

    /// Starts the process and waits for its `ready` line (no sleeps: the line is the signal).
    /// - Throws: ``E2EError`` with the output if it exits first.
    static func start(_ fixture: IdentityFixture, extra: [String] = []) async throws -> RunningIdentity {
        let child = try ChildProcess("voucherd-identity", arguments: fixture.arguments(extra: extra))
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
            return RunningIdentity(child: child, xrpcPort: xrpc, adminPort: admin)
        }
        let exit = await child.waitForExit()
        throw E2EError("voucherd-identity exited (\(exit.status)) before ready:\n\(seen.joined(separator: "\n"))\n\(exit.stderr)")
    }

    /// SIGTERM, then waits for the exit.
    func stop() async -> (status: Int32, killed: Bool, stderr: String) {
        self.child.signal(SIGTERM)
        return await self.child.waitForExit()
    }
}

/// Runs `body` with identity started on the fixture, stopping it (SIGTERM) afterwards.
func withRunningIdentity<T>(_ fixture: IdentityFixture, _ body: (RunningIdentity) async throws -> T) async throws -> T {
    let identity = try await RunningIdentity.start(fixture)
    do {
        let result = try await body(identity)
        _ = await identity.stop()
        return result
    } catch {
        _ = await identity.stop()
        throw error
    }
}
