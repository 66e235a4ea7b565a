import ArgumentParser
import VoucherdModel

/// `voucherctl merchant create|review|get|list`.
struct MerchantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merchant",
        abstract: "Submit, review and look up merchants.",
        subcommands: [Create.self, Review.self, Get.self, List.self]
    )

    /// The statuses `list --status` and `review` accept.
    enum Status: String, ExpressibleByArgument, CaseIterable {
        case submitted, approved, rejected

        var proto: Voucherd_V1_MerchantStatus {
            switch self {
            case .submitted: .submitted
            case .approved: .approved
            case .rejected: .rejected
            }
        }
    }

    /// `merchant create`: submits a merchant for review, with its owner account.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit a merchant for review, with its owner account. Service and operator.",
            discussion: "The owner's password comes from a prompt, or from standard input with --owner-password-stdin."
        )

        @Option(name: .long, help: "The merchant's name (at most 200 characters).")
        var name: String
        @Option(name: .customLong("contact-email"), help: "The contact email.")
        var contactEmail: String
        @Option(name: .customLong("time-zone"), help: "IANA time zone, such as Asia/Shanghai.")
        var timeZone: String
        @Option(name: .long, help: "Region code, such as CN-31.")
        var region: String = ""
        @Option(name: .customLong("owner-username"), help: "The owner's login: 3-64 characters of [a-z0-9._-].")
        var ownerUsername: String
        @Flag(name: .customLong("owner-password-stdin"), help: "Read the owner's password from standard input.")
        var ownerPasswordFromStandardInput = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await RPCFailure.reporting {
                var request = Voucherd_V1_CreateMerchantRequest()
                request.name = self.name
                request.contactEmail = self.contactEmail
                request.timeZone = self.timeZone
                request.region = self.region
                request.ownerUsername = self.ownerUsername
                request.ownerPassword = try SecretInput.read(
                    prompt: "Password for \(self.ownerUsername): ", fromStandardInput: self.ownerPasswordFromStandardInput,
                    flag: "--owner-password-stdin"
                )
                let message = request
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.createMerchant(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    /// `merchant review`: approves or rejects.
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve or reject a submitted merchant. Operator only.")

        @Argument(help: "The merchant id (mer_...).")
        var merchantID: String
        @Option(name: .long, help: "approved or rejected.")
        var decision: Status
        @Option(name: .long, help: "Why (required when rejecting).")
        var reason: String = ""
        @OptionGroup var options: CommonOptions

        func validate() throws {
            if self.decision == .submitted { throw ValidationError("--decision must be approved or rejected") }
        }

        func run() async throws {
            var request = Voucherd_V1_ReviewMerchantRequest()
            request.merchantID = self.merchantID
            request.decision = self.decision.proto
            request.reason = self.reason
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.reviewMerchant(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    /// `merchant get`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a merchant. Operator, service, the merchant's owner and staff.")

        @Argument(help: "The merchant id (mer_...).")
        var merchantID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetMerchantRequest()
            request.merchantID = self.merchantID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getMerchant(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    /// `merchant list`: one page, newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List merchants, newest first (one page). Operator, service.")

        @Option(name: .long, help: "Only this status: submitted, approved or rejected.")
        var status: Status?
        @Option(name: .customLong("page-size"), help: "1-500; default 50.")
        var pageSize: UInt32 = 0
        @Option(name: .customLong("page-token"), help: "The next_page_token of the previous page.")
        var pageToken: String = ""
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_ListMerchantsRequest()
            request.status = self.status?.proto ?? .unspecified
            request.pageSize = self.pageSize
            request.pageToken = self.pageToken
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.listMerchants(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
