import ArgumentParser
import Foundation
import GRPCCore
import VoucherdModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `voucherctl codes generate`: redeemable codes for a campaign, with a progress bar.
struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Generate redeemable codes for a campaign (issuance).",
        subcommands: [Generate.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate codes; shows progress as the server streams it.",
            discussion: "The bar goes to standard error (only on a terminal); the final progress message is printed in --format."
        )
        @Argument(help: "The campaign id (cmp_...).")
        var campaignID: String
        @Option(name: .long, help: "How many codes.")
        var count: UInt64
        @Option(name: .customLong("idempotency-key"), help: "Default: a fresh UUID; reuse one to resume after an interruption.")
        var idempotencyKey: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GenerateCodesRequest()
            request.campaignID = self.campaignID
            request.count = self.count
            request.idempotencyKey = self.idempotencyKey ?? UUID().uuidString
            let message = request
            let showBar = isatty(STDERR_FILENO) == 1
            try await RPCFailure.reporting {
                let last = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.generateCodes(message, metadata: metadata) { response in
                        var last = Voucherd_V1_GenerateCodesProgress()
                        for try await progress in response.messages {
                            last = progress
                            if showBar { ProgressBar.draw(done: progress.generated, total: progress.total) }
                        }
                        if showBar { FileHandle.standardError.write(Data("\n".utf8)) }
                        return last
                    }
                }
                try Output.print(last, format: self.options.format)
            }
        }
    }
}

/// A one-line progress bar on standard error, redrawn in place.
enum ProgressBar {
    static let width = 40

    static func draw(done: UInt64, total: UInt64) {
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(Self.width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.width - filled)
        let line = "\r[\(bar)] \(done)/\(total) \(Int(fraction * 100))%"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
