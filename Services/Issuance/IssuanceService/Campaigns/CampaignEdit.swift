import VoucherdModel

/// What an UpdateCampaign request changes, and whether the campaign's status allows it: in
/// draft anything valid; afterwards only what cannot hurt holders or the merchant's promise
/// (name, description, a later claim end, a larger inventory or budget); never once ended.
struct CampaignEdit: Sendable {
    var name: String?
    var description: String?
    var claimEndMicros: Int64?
    var inventory: Int64?
    var budget: Money?

    /// The edit a request asks for; its fields have been checked one by one already.
    init(request: Voucherd_V1_UpdateCampaignRequest, budget: Money?) {
        self.name = request.hasName ? request.name : nil
        self.description = request.hasDescription_p ? request.description_p : nil
        self.claimEndMicros = request.hasClaimEndMicros
            ? (request.claimEndMicros == 0 ? CampaignPolicy.noEnd : request.claimEndMicros) : nil
        self.inventory = request.hasInventory ? Int64(request.inventory) : nil
        self.budget = budget
    }

    /// Applies the edit.
    /// - Returns: the names of the fields that changed, for the audit log.
    /// - Throws: FAILED_PRECONDITION when the status forbids a change, INVALID_ARGUMENT when a
    ///   value contradicts the campaign.
    func apply(to record: inout CampaignRecord) throws(IssuanceError) -> [String] {
        guard record.status != .ended else {
            throw .failedPrecondition("Campaign '\(record.id)' has ended and can no longer change.")
        }
        let draft = record.status == .draft
        var changed: [String] = []
        if let name {
            record.name = name
            changed.append("name")
        }
        if let description {
            record.description = description
            changed.append("description")
        }
        if let end = self.claimEndMicros {
            guard end > record.storedRules.claimStartMicros else {
                throw .invalidArgument(field: "claim_end_micros", reason: "must be after the claim start")
            }
            guard draft || end >= record.claimEndMicros else {
                throw .failedPrecondition("Once a campaign has started, its claim end may only move later.")
            }
            record.claimEndMicros = end
            changed.append("claim_end_micros")
        }
        if let inventory {
            guard inventory >= record.issued else {
                throw .failedPrecondition("The inventory cannot go below the \(record.issued) coupons already issued.")
            }
            guard draft || inventory >= record.inventory else {
                throw .failedPrecondition("Once a campaign has started, its inventory may only grow.")
            }
            record.inventory = inventory
            changed.append("inventory")
        }
        if let budget {
            if !draft {
                guard let current = record.budget, current.currency == budget.currency,
                    budget.minorUnits >= current.minorUnits
                else {
                    throw .failedPrecondition("Once a campaign has started, its budget may only grow, in its currency.")
                }
            }
            guard budget.minorUnits >= record.budgetUsedMinor else {
                throw .failedPrecondition("The budget cannot go below what is already used.")
            }
            record.budget = budget
            changed.append("budget")
        }
        return changed
    }
}
