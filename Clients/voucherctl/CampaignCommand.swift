import ArgumentParser
import Foundation
import GRPCCore
import SwiftProtobuf
import VoucherdModel

/// `voucherctl campaign create|activate|pause|end|get|list|stock`.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Create, run and look up campaigns (issuance).",
        subcommands: [Create.self, Activate.self, Pause.self, End.self, Get.self, List.self, Stock.self]
    )

    /// `campaign create --file`: the request as proto3 JSON.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a draft campaign from a JSON file. Merchant owner/staff and operator.",
            discussion: """
                The file holds a CreateCampaignRequest in proto3 JSON or YAML (field names as in \
                issuance.proto or lowerCamelCase; 64-bit numbers as numbers or strings). A file that \
                starts with '{' is read as JSON, anything else as YAML (block and flow style, quotes, \
                comments; no anchors, tags or multiple documents). For example:

                  merchant_id: mer_...
                  name: 满100减20
                  distribution: DISTRIBUTION_CLAIM
                  benefit:
                    threshold:
                      threshold: {currency: CNY, minor_units: 10000}
                      off: {currency: CNY, minor_units: 2000}
                  rules:
                    validity: {after_claim: {days: 30}}
                    inventory: 1000

                "-" reads standard input. Without --idempotency-key or one in the file, a new key is \
                made and printed: repeat the command with it to retry safely.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The CreateCampaignRequest as a JSON or YAML file, or - for standard input.", valueName: "file"))
        var file: String
        @Option(name: .customLong("merchant-id"), help: "Overrides the file's merchant_id.")
        var merchantID: String?
        @Option(
            name: .customLong("idempotency-key"),
            help: "Overrides the file's idempotency_key. Default: the file's, else a new UUID (printed, so a retry can reuse it)."
        )
        var idempotencyKey: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await RPCFailure.reporting {
                let data: Data
                if self.file == "-" {
                    data = FileHandle.standardInput.readDataToEndOfFile()
                } else {
                    guard let contents = FileManager.default.contents(atPath: self.file) else {
                        throw CLIError("cannot read \(self.file)")
                    }
                    data = contents
                }
                var request = try CampaignFile.request(from: data, named: self.file)
                if let merchantID = self.merchantID { request.merchantID = merchantID }
                if let key = self.idempotencyKey {
                    request.idempotencyKey = key
                } else if request.idempotencyKey.isEmpty {
                    request.idempotencyKey = UUID().uuidString
                }
                let message = request
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.createCampaign(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format, title: "idempotency key: \(message.idempotencyKey)")
            }
        }
    }

    /// The lifecycle moves share their arguments.
    struct Transition: ParsableArguments {
        @Argument(help: "The campaign id (cmp_...).")
        var campaignID: String
        @Option(name: .long, help: "Why (recorded in the audit log).")
        var reason: String = ""
        @OptionGroup var options: CommonOptions

        var request: Voucherd_V1_CampaignTransitionRequest {
            var request = Voucherd_V1_CampaignTransitionRequest()
            request.campaignID = self.campaignID
            request.reason = self.reason
            return request
        }

        func run(
            _ call: @escaping @Sendable (IssuanceConnection.Client, Voucherd_V1_CampaignTransitionRequest, Metadata) async throws -> Voucherd_V1_Campaign
        ) async throws {
            let request = self.request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await call(client, request, metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Activate a draft or paused campaign: claims open.")
        @OptionGroup var transition: Transition
        func run() async throws {
            try await self.transition.run { try await $0.activateCampaign($1, metadata: $2) }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause an active campaign: claims stop, issued coupons stay valid.")
        @OptionGroup var transition: Transition
        func run() async throws {
            try await self.transition.run { try await $0.pauseCampaign($1, metadata: $2) }
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a campaign for good.")
        @OptionGroup var transition: Transition
        func run() async throws {
            try await self.transition.run { try await $0.endCampaign($1, metadata: $2) }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a campaign.")
        @Argument(help: "The campaign id (cmp_...).")
        var campaignID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetCampaignRequest()
            request.campaignID = self.campaignID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getCampaign(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    struct Stock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a campaign's inventory, issued, remaining and budget.")
        @Argument(help: "The campaign id (cmp_...).")
        var campaignID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetCampaignRequest()
            request.campaignID = self.campaignID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getCampaignStock(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns, newest first, one page.")
        @Option(name: .customLong("merchant-id"), help: "Only this merchant's (required for merchant staff).")
        var merchantID: String = ""
        @Option(name: .customLong("page-size"), help: "1-500; 0 means the server's default.")
        var pageSize: UInt32 = 0
        @Option(name: .customLong("page-token"), help: "The previous page's next_page_token.")
        var pageToken: String = ""
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_ListCampaignsRequest()
            request.merchantID = self.merchantID
            request.pageSize = self.pageSize
            request.pageToken = self.pageToken
            let message = request
            try await RPCFailure.reporting {
                let response = try await IssuanceConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.listCampaigns(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
