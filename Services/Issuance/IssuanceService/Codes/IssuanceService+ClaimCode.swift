import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// Claiming by code: consumers for themselves, services for a consumer named in the request.
extension IssuanceService {
    /// The one answer to every code-dependent failure, so that codes cannot be enumerated.
    static let codeNotClaimable = IssuanceError.notFound("No coupon can be claimed with this code.")

    /// Claims the coupon behind a code, once per idempotency key.
    ///
    /// A typo (the check symbol fails), an unknown code, a code another consumer owns, a
    /// paused or finished campaign, a reached limit and an empty stock all answer the same
    /// NOT_FOUND; each counts as a failed lookup against the caller, and a caller out of failed
    /// lookups (``CodeLookupLimiter``) gets RESOURCE_EXHAUSTED before any lookup. A retry with
    /// the same key returns the first answer even then.
    /// - Throws: INVALID_ARGUMENT naming `code`, `consumer_id` or `idempotency_key`;
    ///   PERMISSION_DENIED for a consumer claiming for someone else; NOT_FOUND as above;
    ///   RESOURCE_EXHAUSTED when the caller has failed too often.
    public func claimCode(
        request: Voucherd_V1_ClaimCodeRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        try await self.handling("ClaimCode") {
            let principal = try Principal.required()
            try principal.require(.consumer, .service)
            let consumerID = try Self.consumerFor(principal, requested: request.consumerID)
            guard !request.code.isEmpty, request.code.utf8.count <= CodeCandidates.maximumLength else {
                throw IssuanceError.invalidArgument(field: "code", reason: "required, at most \(CodeCandidates.maximumLength) characters")
            }
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            if let stored = try await self.storedResponse(
                principal: principal.subject, method: Methods.claimCode, key: request.idempotencyKey, hash: hash)
            {
                return try Voucherd_V1_Coupon(serializedBytes: stored)
            }
            guard self.codeLookups.admits(principal.subject) else {
                throw IssuanceError.resourceExhausted("Too many failed code lookups; retry later.")
            }
            let candidates = CodeCandidates.canonicalForms(of: request.code)
            do {
                guard !candidates.isEmpty else { throw CodeRefused(reason: "not a code of any format") }
                return try await self.claim(request, candidates: candidates, consumerID: consumerID, principal: principal, hash: hash)
            } catch let refused as CodeRefused {
                self.codeLookups.recordFailure(principal.subject)
                // Neither the code nor the consumer: the reason is enough to debug a complaint.
                self.environment.logger.debug("code claim refused", metadata: ["reason": "\(refused.reason)"])
                throw Self.codeNotClaimable
            }
        }
    }

    private func claim(
        _ request: Voucherd_V1_ClaimCodeRequest, candidates: [String], consumerID: String, principal: Principal, hash: Data
    ) async throws -> Voucherd_V1_Coupon {
        let claim = CodeClaimer.Claim(
            text: request.code, consumerID: consumerID,
            claimant: principal.role == .consumer ? .consumer(tier: principal.tier ?? "") : .service,
            actor: principal.subject)
        let now = self.environment.now()
        let environment = self.environment
        let claimer = CodeClaimer(recorder: ChangeRecorder(environment: environment))
        let response = try await environment.writer.write { db in
            try environment.idempotency.execute(
                principal: principal.subject, method: Methods.claimCode, key: request.idempotencyKey,
                requestHash: hash, now: now, in: db
            ) { db in
                let found = try CodeRepository.find(candidates, in: db)
                let claimed = try claimer.claim(claim, found: found, now: now, in: db)
                var message = claimed.coupon.message
                message.code = claimed.display
                return try message.serializedBytes()
            }
        }
        return try Voucherd_V1_Coupon(serializedBytes: response)
    }
}
