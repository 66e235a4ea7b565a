import VoucherdModel

/// A campaign's status, as stored (`campaigns.status`).
enum CampaignStatus: String, Sendable, Hashable, CaseIterable {
    case draft, active, paused, ended

    /// The wire value.
    var message: Voucherd_V1_CampaignStatus {
        switch self {
        case .draft: .draft
        case .active: .active
        case .paused: .paused
        case .ended: .ended
        }
    }

    /// The stored value for a wire value; nil for unspecified or unknown values.
    init?(_ message: Voucherd_V1_CampaignStatus) {
        switch message {
        case .draft: self = .draft
        case .active: self = .active
        case .paused: self = .paused
        case .ended: self = .ended
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
