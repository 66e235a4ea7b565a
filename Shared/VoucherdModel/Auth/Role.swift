/// What kind of principal an access token speaks for.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// A shopper holding coupons.
    case consumer
    /// The owner account of a merchant.
    case merchant
    /// A staff member acting for a merchant.
    case merchantStaff
    /// A Voucherd operator with cross-merchant access.
    case `operator`
    /// Another Voucherd service acting on its own behalf.
    case service
}
