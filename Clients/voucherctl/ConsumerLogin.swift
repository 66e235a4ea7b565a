import Foundation
import GRPCCore
import VoucherdModel

/// `voucherctl login --consumer <id>`: a service account's session obtains a consumer's tokens
/// (IssueConsumerToken, as a gateway does after authenticating the person itself) and saves them
/// as a session of their own, with the service session's endpoints and TLS files. How the demo
/// and scripts act as consumers.
enum ConsumerLogin {
    static func run(consumerID: String, from source: String, to destination: String, issuanceEndpoint: String?, format: OutputFormat) async throws {
        try await RPCFailure.reporting {
            let service = try Session.load(from: source)
            var request = Voucherd_V1_IssueConsumerTokenRequest()
            request.consumerID = consumerID
            request.withRefreshToken = true
            let message = request
            let pair = try await IdentityConnection.authenticated(sessionPath: source) { client, metadata in
                try await client.issueConsumerToken(message, metadata: metadata)
            }
            var session = service
            session.accessToken = ""
            session.refreshToken = ""
            session.refreshTokenExpiresAtMicros = 0
            session.issuanceEndpoint = issuanceEndpoint ?? service.issuanceEndpoint
            session.apply(pair)
            try session.save(to: destination)
            var shown = Voucherd_V1_WhoAmIResponse()
            shown.principal = pair.principal
            try Output.print(shown, format: format, title: "Logged in as consumer \(consumerID); session saved to \(destination)")
        }
    }
}
