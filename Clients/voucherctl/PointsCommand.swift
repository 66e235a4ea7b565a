import ArgumentParser
import Foundation
import VoucherdModel

/// `voucherctl points list|accrue|spend`.
struct PointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points",
        abstract: "The points ledger: list entries, accrue and spend points.",
        subcommands: [List.self, Accrue.self, Spend.self]
    )

    /// `points list`: one page of the ledger, newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a consumer's points entries, newest first (one page), and the balance.")

        @Argument(help: "The consumer id (con_...).")
        var consumerID: String
        @Option(name: .customLong("page-size"), help: "1-500; default 50.")
        var pageSize: UInt32 = 0
        @Option(name: .customLong("page-token"), help: "The next_page_token of the previous page.")
        var pageToken: String = ""
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_ListPointsEntriesRequest()
            request.consumerID = self.consumerID
            request.pageSize = self.pageSize
            request.pageToken = self.pageToken
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.listPointsEntries(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    /// `points accrue`.
    struct Accrue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add points (and the spend that earned them, for tier rules). Service and operator.",
            discussion: "Idempotent by --idempotency-key: repeat the command with the same key to retry safely."
        )

        @Argument(help: "The consumer id (con_...).")
        var consumerID: String
        @Option(name: .long, help: "1 to 10,000,000.")
        var points: Int64
        @Option(name: .customLong("spend-minor"), help: "The spend that earned the points, in minor units (fen for CNY).")
        var spendMinorUnits: Int64?
        @Option(name: .long, help: "The spend's ISO 4217 currency (identity's configured one).")
        var currency: String = "CNY"
        @Option(name: .long, help: "Free text, such as \"order\".")
        var reason: String = ""
        @Option(name: .long, help: "Your reference, such as an order id.")
        var reference: String = ""
        @Option(name: .customLong("idempotency-key"), help: "1-128 printable ASCII characters. Default: a new UUID.")
        var idempotencyKey: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_AccruePointsRequest()
            request.consumerID = self.consumerID
            request.points = self.points
            if let minor = self.spendMinorUnits {
                request.spend.minorUnits = minor
                request.spend.currency = self.currency
            }
            request.reason = self.reason
            request.reference = self.reference
            request.idempotencyKey = self.idempotencyKey ?? UUID().uuidString
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.accruePoints(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format, title: "idempotency key: \(message.idempotencyKey)")
            }
        }
    }

    /// `points spend`.
    struct Spend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove points; FAILED_PRECONDITION if the balance is short. Service and operator.",
            discussion: "Idempotent by --idempotency-key: repeat the command with the same key to retry safely."
        )

        @Argument(help: "The consumer id (con_...).")
        var consumerID: String
        @Option(name: .long, help: "1 to 10,000,000.")
        var points: Int64
        @Option(name: .long, help: "Free text, such as \"coupon exchange\".")
        var reason: String = ""
        @Option(name: .long, help: "Your reference.")
        var reference: String = ""
        @Option(name: .customLong("idempotency-key"), help: "1-128 printable ASCII characters. Default: a new UUID.")
        var idempotencyKey: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_SpendPointsRequest()
            request.consumerID = self.consumerID
            request.points = self.points
            request.reason = self.reason
            request.reference = self.reference
            request.idempotencyKey = self.idempotencyKey ?? UUID().uuidString
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.spendPoints(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format, title: "idempotency key: \(message.idempotencyKey)")
            }
        }
    }
}
