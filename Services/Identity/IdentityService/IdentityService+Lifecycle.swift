public import VoucherdModel

// What the executable needs besides the RPC surface.
extension IdentityService {
    /// The service's own public signing keys, read in process: the executable's
    /// `AccessTokenVerifier` verifies the service's incoming tokens with it.
    public var signingKeySource: any SigningKeySource {
        self.accounts.signingKeySource
    }

    /// Creates the first operator account if the store has no operator yet (a fresh install).
    /// - Parameters:
    ///   - username: the operator's login.
    ///   - password: the operator's password (the password policy applies).
    /// - Returns: true if the account was created, false if an operator already existed.
    /// - Throws: when the username or password is refused, or the store fails.
    public func bootstrapOperator(username: String, password: String) async throws -> Bool {
        try await self.accounts.bootstrapOperator(username: username, password: password)
    }

    /// Background upkeep until the surrounding task is cancelled: rotating the signing key when
    /// it is due, retiring keys whose tokens have expired, purging expired idempotency records.
    public func runMaintenance() async throws {
        try await self.accounts.runMaintenance()
    }
}
