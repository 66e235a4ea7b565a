import Foundation
import VoucherdModel

/// Merchants, staff, operators, service accounts and API keys; passwords and lockout; access and
/// refresh tokens; signing keys.
struct AccountsModule: Sendable {
    let environment: IdentityEnvironment
    let consumers: ConsumersModule

    init(environment: IdentityEnvironment, consumers: ConsumersModule) throws {
        self.environment = environment
        self.consumers = consumers
    }

    var signingKeySource: any SigningKeySource {
        StaticSigningKeySource([])
    }

    func bootstrapOperator(username: String, password: String) async throws -> Bool {
        false
    }

    func runMaintenance() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(60))
        }
    }
}
