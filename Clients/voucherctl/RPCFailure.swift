import ArgumentParser
import Foundation
import GRPCCore

/// Turns a command's failure into one line on standard error and a non-zero exit: RPC errors
/// as `error: <GRPC_STATUS> (<code>): <message>`, the CLI's own errors as `error: <message>`.
enum RPCFailure {
    /// Runs `body`, reporting its failure.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            Self.printError("\(Self.name(error.code)) (\(error.code.rawValue)): \(error.message)")
            throw ExitCode.failure
        } catch let error as CLIError {
            Self.printError(error.description)
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            Self.printError("\(error)")
            throw ExitCode.failure
        }
    }

    /// The canonical gRPC name of a status code, such as `PERMISSION_DENIED`.
    static func name(_ code: RPCError.Code) -> String {
        let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        return names.indices.contains(code.rawValue) ? names[code.rawValue] : "CODE_\(code.rawValue)"
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
