// Conversions between the wire message and the checked type.
extension Money {
    /// Validates a wire amount.
    /// - Parameters:
    ///   - message: the wire message.
    ///   - allowNegative: whether a negative amount is acceptable here.
    /// - Returns: nil when the currency is not an ISO 4217 shape, or the amount is negative and
    ///   that is not allowed.
    public init?(_ message: Voucherd_V1_Money, allowNegative: Bool = false) {
        guard let currency = CurrencyCode(message.currency) else { return nil }
        guard allowNegative || message.minorUnits >= 0 else { return nil }
        self.init(minorUnits: message.minorUnits, currency: currency)
    }

    /// The wire message.
    public var message: Voucherd_V1_Money {
        var message = Voucherd_V1_Money()
        message.currency = self.currency.code
        message.minorUnits = self.minorUnits
        return message
    }
}
