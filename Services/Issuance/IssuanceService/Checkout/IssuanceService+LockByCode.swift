import Foundation
import GRDB
import VoucherdModel

// A till may lock a coupon by the code the customer shows, instead of by coupon id: a bearer
// voucher has no holder to look its coupon up by, and a paper code may never have been claimed.
extension IssuanceService {
    /// Checks that an item names exactly one of `coupon_id` and `code`.
    /// - Returns: the code's canonical candidates, or nil for an item locked by coupon id.
    /// - Throws: INVALID_ARGUMENT naming the item's field.
    static func lockTarget(_ item: Voucherd_V1_LockItem, index: Int) throws -> [String]? {
        switch (item.couponID.isEmpty, item.code.isEmpty) {
        case (false, false):
            throw IssuanceError.invalidArgument(field: "items[\(index)]", reason: "set coupon_id or code, not both")
        case (true, true):
            throw IssuanceError.invalidArgument(field: "items[\(index)]", reason: "coupon_id or code is required")
        case (false, true):
            try RequestChecks.id(item.couponID, prefix: "cpn_", field: "items[\(index)].coupon_id")
            return nil
        case (true, false):
            guard item.code.utf8.count <= CodeCandidates.maximumLength else {
                throw IssuanceError.invalidArgument(field: "items[\(index)].code", reason: "at most \(CodeCandidates.maximumLength) characters")
            }
            let candidates = CodeCandidates.canonicalForms(of: item.code)
            // A string no format can read is as unknown as a well-formed code nobody issued.
            guard !candidates.isEmpty else { throw Self.codeNotLockable(index) }
            return candidates
        }
    }

    /// The coupon behind a presented code, claiming it in this write if nobody has (as
    /// ClaimCode would: for `consumerID`, or without a holder for a bearer code).
    /// - Throws: one NOT_FOUND for every code-dependent refusal.
    static func couponID(
        forCode code: String, candidates: [String], index: Int, consumerID: String, actor: String,
        claimer: CodeClaimer, now: Date, in db: Database
    ) throws -> String {
        let claim = CodeClaimer.Claim(text: code, consumerID: consumerID, claimant: .service, actor: actor)
        do {
            return try claimer.claim(claim, found: try CodeRepository.find(candidates, in: db), now: now, in: db).coupon.id
        } catch is CodeRefused {
            throw Self.codeNotLockable(index)
        }
    }

    static func codeNotLockable(_ index: Int) -> IssuanceError {
        IssuanceError.notFound("items[\(index)].code: no coupon can be used with this code.")
    }
}
