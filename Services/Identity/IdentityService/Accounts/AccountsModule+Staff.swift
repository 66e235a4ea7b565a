import Foundation
import GRDB
import VoucherdModel
import VoucherdStore

// Staff and operator accounts.
extension AccountsModule {
    /// Adds a staff account to a merchant; the handler has checked role and scope.
    func createStaff(_ request: Voucherd_V1_CreateStaffRequest, actor: Principal) async throws
        -> Voucherd_V1_Account
    {
        try AccountsValidation.name(request.username, "username")
        try AccountsValidation.password(request.password, "password", policy: passwords)
        try AccountsValidation.maximum(request.displayName, "display_name", 100)
        return try await createAccount(
            username: request.username, password: request.password, displayName: request.displayName,
            role: .merchantStaff, merchantID: request.merchantID, actor: actor)
    }

    /// Adds an operator account.
    func createOperator(_ request: Voucherd_V1_CreateOperatorRequest, actor: Principal) async throws
        -> Voucherd_V1_Account
    {
        try AccountsValidation.name(request.username, "username")
        try AccountsValidation.password(request.password, "password", policy: passwords)
        try AccountsValidation.maximum(request.displayName, "display_name", 100)
        return try await createAccount(
            username: request.username, password: request.password, displayName: request.displayName,
            role: .operator, merchantID: nil, actor: actor)
    }

    private func createAccount(
        username: String, password: String, displayName: String, role: Role, merchantID: String?,
        actor: Principal
    ) async throws -> Voucherd_V1_Account {
        let passwordHash = try await hasher.hashOffPool(password)
        let now = self.now
        let account = AccountRecord(
            accountID: AccountIdentifiers.make("acc"), username: username, role: role, merchantID: merchantID,
            displayName: displayName, passwordHash: passwordHash, createdAtMicros: StoredTime.micros(now))
        try await environment.writer.write { db in
            if let merchantID, try MerchantRecord.fetch(id: merchantID, in: db) == nil {
                throw AccountsError.notFound(field: "merchant_id", id: merchantID)
            }
            try account.insert(usernameField: "username", in: db)
            try recordChange(
                type: role == .operator ? "identity.operator.created" : "identity.staff.created",
                action: role == .operator ? "operator.create" : "staff.create", subject: account.accountID,
                actor: actor.subject, attributes: ["role": role.rawValue, "merchant_id": merchantID ?? ""],
                now: now, in: db)
        }
        return account.proto(nowMicros: StoredTime.micros(now))
    }
}
