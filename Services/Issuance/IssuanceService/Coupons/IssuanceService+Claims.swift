import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// 抢券: consumers claim for themselves, services for a consumer named in the request.
extension IssuanceService {
    /// Claims a coupon from an active campaign, once per idempotency key. Refused at once with
    /// RESOURCE_EXHAUSTED, without a write, when the ``StockGate`` knows the stock is gone.
    public func claimCoupon(
        request: Voucherd_V1_ClaimCouponRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        try await self.handling("ClaimCoupon") {
            let principal = try Principal.required()
            try principal.require(.consumer, .service)
            let consumerID = try Self.consumerFor(principal, requested: request.consumerID)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            // Without a ticket (the campaign's inventory kept changing) the writer alone decides.
            let ticket: StockGate.Ticket?
            switch try await self.admit(request.campaignID) {
            case .admitted(let admitted):
                ticket = admitted
            case .unknown:
                ticket = nil
            case .soldOut:
                // A retry of a claim that won must still get its coupon (invariant 4), but a
                // consumer never issued one of this campaign has no such claim to retry, and
                // needs no request digest either: most of a sale's answers end here.
                if try await self.neverIssued(request.campaignID, consumerID: consumerID) {
                    throw IssuanceError.resourceExhausted("Campaign '\(request.campaignID)' is out of stock.")
                }
                if let stored = try await self.storedResponse(
                    principal: principal.subject, method: Methods.claimCoupon, key: request.idempotencyKey,
                    hash: RequestChecks.digest(request))
                {
                    return try Voucherd_V1_Coupon(serializedBytes: stored)
                }
                throw IssuanceError.resourceExhausted("Campaign '\(request.campaignID)' is out of stock.")
            }
            let order = CouponIssuer.Order(
                campaignID: request.campaignID, consumerID: consumerID, origin: .claim,
                claimant: principal.role == .consumer ? .consumer(tier: principal.tier ?? "") : .service,
                actor: principal.subject)
            let now = self.environment.now()
            let environment = self.environment
            let issuer = CouponIssuer(recorder: ChangeRecorder(environment: environment))
            let response: Data
            do {
                // Inside the `do`: a ticket is settled whatever fails from here on.
                let hash = try RequestChecks.digest(request)
                let (written, level) = try await environment.writer.write { db -> (Data, StockGate.Level?) in
                    var level: StockGate.Level?
                    let stored = try environment.idempotency.execute(
                        principal: principal.subject, method: Methods.claimCoupon, key: request.idempotencyKey,
                        requestHash: hash, now: now, in: db
                    ) { db in
                        let issued = try issuer.issue(order, now: now, in: db)
                        level = issued.level
                        return try issued.coupon.message.serializedBytes()
                    }
                    return (stored, level)
                }
                if let ticket { self.stockGate.settle(ticket, level: level) }
                self.soldOutClaimants.noteIssued(request.campaignID, consumerID: consumerID)
                response = written
            } catch let exhausted as StockExhausted {
                if let ticket {
                    self.stockGate.settle(ticket, level: exhausted.level)
                } else {
                    self.stockGate.observe(request.campaignID, level: exhausted.level)
                }
                throw IssuanceError.resourceExhausted("Campaign '\(request.campaignID)' is out of stock.")
            } catch {
                if let ticket { self.stockGate.settle(ticket, level: nil) }
                throw error
            }
            return try Voucherd_V1_Coupon(serializedBytes: response)
        }
    }

    /// The consumer a claim is for: consumers claim for themselves only; services must name one.
    static func consumerFor(_ principal: Principal, requested: String) throws -> String {
        if principal.role == .consumer {
            guard requested.isEmpty || requested == principal.subject else {
                throw IssuanceError.permissionDenied("Consumers claim for themselves only.")
            }
            return principal.subject
        }
        try RequestChecks.principalID(requested, field: "consumer_id")
        return requested
    }

    /// Asks the gate, loading the campaign's stock from the store the first time.
    private func admit(_ campaignID: String) async throws -> StockGate.Admission {
        for _ in 0..<4 {
            let admission = await self.stockGate.admit(campaignID)
            guard admission == .unknown else { return admission }
            let resets = self.stockGate.readStarting()
            let level = try await self.environment.store.pool.read { db in
                try CampaignRepository.fetch(campaignID, in: db)?.level
            }
            guard let level else { throw IssuanceError.notFound("No campaign '\(campaignID)'.") }
            self.stockGate.load(campaignID, level: level, readAfter: resets)
        }
        // The campaign's inventory keeps changing under us; let the writer decide.
        return .unknown
    }

    /// Whether the consumer provably was never issued a coupon of the sold-out campaign, reading
    /// the campaign's claimants once (``SoldOutClaimants``).
    private func neverIssued(_ campaignID: String, consumerID: String) async throws -> Bool {
        switch self.soldOutClaimants.answer(campaignID, consumerID: consumerID) {
        case .never: return true
        case .holder, .unknown: return false
        case .load(let token):
            let limit = self.soldOutClaimants.maximumClaimants + 1
            let consumerIDs = try? await self.environment.store.pool.read { db in
                try ClaimCounterRepository.consumers(campaignID: campaignID, limit: limit, in: db)
            }
            return self.soldOutClaimants.finish(token, consumerIDs: consumerIDs, asking: consumerID)
        }
    }

    /// The stored answer to an earlier request with this key, read without the writer.
    /// - Throws: `IdempotencyError` when the key was used for a different request.
    func storedResponse(principal: String, method: String, key: String, hash: Data) async throws -> Data? {
        let idempotency = self.environment.idempotency
        let now = self.environment.now()
        do {
            return try await self.environment.store.pool.read { db in
                try idempotency.execute(principal: principal, method: method, key: key, requestHash: hash, now: now, in: db) { _ in
                    throw NoStoredResponse()
                }
            }
        } catch is NoStoredResponse {
            return nil
        } catch let error as IdempotencyError {
            throw error
        } catch {
            // An expired record cannot be deleted on a read-only connection; it answers nothing.
            return nil
        }
    }
}

/// Ends a read-only idempotency lookup that found no record.
private struct NoStoredResponse: Error {}
