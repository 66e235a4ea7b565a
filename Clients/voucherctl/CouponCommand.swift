import ArgumentParser
import Foundation
import GRPCCore
import VoucherdModel

/// `voucherctl coupon claim|wallet|transfer|get`.
struct CouponCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coupon",
        abstract: "Claim, list, transfer and look up coupons (issuance).",
        discussion: "A consumer session (`voucherctl login --consumer`) acts for itself; a service session names --consumer-id.",
        subcommands: [Claim.self, Wallet.self, Transfer.self, Get.self]
    )

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a coupon from an active campaign.",
            discussion: "RESOURCE_EXHAUSTED means the campaign is sold out. Retrying with the same --idempotency-key returns the same coupon."
        )
        @Argument(help: "The campaign id (cmp_...).")
        var campaignID: String
        @Option(name: .customLong("consumer-id"), help: "For service callers; a consumer's own session leaves it empty.")
        var consumerID: String = ""
        @Option(name: .customLong("idempotency-key"), help: "Default: a fresh UUID (no retry protection across runs).")
        var idempotencyKey: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_ClaimCouponRequest()
            request.campaignID = self.campaignID
            request.consumerID = self.consumerID
            request.idempotencyKey = self.idempotencyKey ?? UUID().uuidString
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.claimCoupon(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    struct Wallet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a consumer's coupons, one page.")
        @Option(name: .customLong("consumer-id"), help: "For service and operator callers.")
        var consumerID: String = ""
        @Option(name: .customLong("merchant-id"), help: "Only this merchant's coupons.")
        var merchantID: String = ""
        @Option(name: .customLong("page-size"), help: "1-500; 0 means the server's default.")
        var pageSize: UInt32 = 0
        @Option(name: .customLong("page-token"), help: "The previous page's next_page_token.")
        var pageToken: String = ""
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_ListWalletRequest()
            request.consumerID = self.consumerID
            request.merchantID = self.merchantID
            request.pageSize = self.pageSize
            request.pageToken = self.pageToken
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.listWallet(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a coupon (or part of a stored-value balance) to another consumer.")
        @Argument(help: "The coupon id (cpn_...).")
        var couponID: String
        @Option(name: .customLong("to"), help: "The receiving consumer's id.")
        var toConsumerID: String
        @Option(name: .customLong("amount-minor-units"), help: "Stored value only: how much to move; 0 moves the whole coupon.")
        var amountMinorUnits: Int64 = 0
        @Option(name: .long, help: "The amount's currency (stored value only).")
        var currency: String = "CNY"
        @Option(name: .customLong("idempotency-key"), help: "Default: a fresh UUID.")
        var idempotencyKey: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_TransferCouponRequest()
            request.couponID = self.couponID
            request.toConsumerID = self.toConsumerID
            if self.amountMinorUnits > 0 {
                request.amount.currency = self.currency
                request.amount.minorUnits = self.amountMinorUnits
            }
            request.idempotencyKey = self.idempotencyKey ?? UUID().uuidString
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.transferCoupon(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a coupon.")
        @Argument(help: "The coupon id (cpn_...).")
        var couponID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetCouponRequest()
            request.couponID = self.couponID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getCoupon(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
