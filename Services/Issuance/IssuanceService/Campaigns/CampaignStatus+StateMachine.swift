/// The changes a campaign's status can go through.
enum CampaignTransition: String, Sendable, Hashable, CaseIterable {
    /// draft or paused → active.
    case activate
    /// active → paused: claims stop, issued coupons stay usable.
    case pause
    /// any but ended → ended, for good.
    case end

    /// The event type written to the outbox.
    var eventType: String {
        switch self {
        case .activate: "issuance.campaign.activated"
        case .pause: "issuance.campaign.paused"
        case .end: "issuance.campaign.ended"
        }
    }
}

// The lifecycle as a pure function, so its table is tested on its own:
// draft → active ⇄ paused, and every status but ended → ended.
extension CampaignStatus {
    /// The status after `transition`, or nil when the transition is not allowed from here.
    func applying(_ transition: CampaignTransition) -> CampaignStatus? {
        switch (self, transition) {
        case (.draft, .activate), (.paused, .activate): .active
        case (.active, .pause): .paused
        case (.draft, .end), (.active, .end), (.paused, .end): .ended
        default: nil
        }
    }
}
