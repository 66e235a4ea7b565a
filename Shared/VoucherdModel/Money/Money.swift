/// An amount of money: an integer count of minor units in one currency. Never a float.
///
/// Arithmetic refuses to mix currencies and to overflow, by throwing ``MoneyError`` rather than
/// trapping: amounts come from requests, and a crafted request must not crash a service.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The currency.
    public let currency: CurrencyCode
    /// Minor units (fen, cents); negative only where a caller allows it.
    public let minorUnits: Int64

    /// Creates an amount.
    /// - Parameters:
    ///   - minorUnits: the count of minor units.
    ///   - currency: the currency.
    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in a currency.
    public static func zero(_ currency: CurrencyCode) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    /// Whether the amount is below zero.
    public var isNegative: Bool { self.minorUnits < 0 }

    /// The sum of two amounts in the same currency.
    /// - Throws: ``MoneyError`` on a currency mismatch or overflow.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        try self.requireSameCurrency(other)
        let (sum, overflow) = self.minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: self.currency)
    }

    /// The difference of two amounts in the same currency.
    /// - Throws: ``MoneyError`` on a currency mismatch or overflow.
    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        try self.requireSameCurrency(other)
        let (difference, overflow) = self.minorUnits.subtractingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: difference, currency: self.currency)
    }

    /// The smaller of two amounts in the same currency.
    /// - Throws: ``MoneyError/currencyMismatch(_:_:)``.
    public func minimum(_ other: Money) throws(MoneyError) -> Money {
        try self.requireSameCurrency(other)
        return self.minorUnits <= other.minorUnits ? self : other
    }

    /// `self × percent / 100`, rounded down to a whole minor unit: a discount never exceeds
    /// the exact percentage, so rounding never favours the discount over the merchant.
    /// - Parameter percent: 0 to 100.
    /// - Throws: ``MoneyError/overflow``.
    public func percentage(_ percent: Int) throws(MoneyError) -> Money {
        let (product, overflow) = self.minorUnits.multipliedReportingOverflow(by: Int64(percent))
        guard !overflow else { throw .overflow }
        return Money(minorUnits: product / 100, currency: self.currency)
    }

    /// The amount in major units with the currency's digits, such as `CNY 12.30`.
    public var description: String {
        let digits = self.currency.minorUnitDigits
        guard digits > 0 else { return "\(self.currency) \(self.minorUnits)" }
        var divisor: Int64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let magnitude = self.minorUnits.magnitude
        let major = magnitude / UInt64(divisor)
        let minor = String(magnitude % UInt64(divisor))
        let padded = String(repeating: "0", count: digits - minor.count) + minor
        return "\(self.currency) \(self.minorUnits < 0 ? "-" : "")\(major).\(padded)"
    }

    private func requireSameCurrency(_ other: Money) throws(MoneyError) {
        guard self.currency == other.currency else { throw .currencyMismatch(self.currency, other.currency) }
    }
}

/// Why money arithmetic was refused.
public enum MoneyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two amounts in different currencies met.
    case currencyMismatch(CurrencyCode, CurrencyCode)
    /// The result does not fit in 64 bits.
    case overflow

    public var description: String {
        switch self {
        case .currencyMismatch(let a, let b): "currencies differ: \(a) and \(b)"
        case .overflow: "amount out of range"
        }
    }
}
