/// What a coupon is worth at checkout. Issuance stores it with the campaign; redemption prices
/// carts with ``discount(on:)``.
public enum Benefit: Sendable, Hashable, Codable {
    /// 满X减Y: `off` when the eligible amount reaches `threshold`.
    case threshold(threshold: Money, off: Money)
    /// 折扣: `percentOff` percent off (8折 is 20), at most `cap` when given, from `threshold` when given.
    case percentage(percentOff: Int, cap: Money?, threshold: Money?)
    /// 无门槛券: a fixed amount off any order.
    case fixedAmount(off: Money)
    /// 礼品卡/储值卡: pays up to the remaining balance, across several orders.
    case storedValue(balance: Money)
    /// 团购券: bought at `price`, worth `faceValue` at the till.
    case paidVoucher(faceValue: Money, price: Money)
    /// A free item: one unit of `sku` at no charge.
    case freeItem(sku: String)

    /// The currency the benefit is in; nil for a free item, which has none of its own.
    public var currency: CurrencyCode? {
        switch self {
        case .threshold(let threshold, _): threshold.currency
        case .percentage(_, let cap, let threshold): cap?.currency ?? threshold?.currency
        case .fixedAmount(let off): off.currency
        case .storedValue(let balance): balance.currency
        case .paidVoucher(let faceValue, _): faceValue.currency
        case .freeItem: nil
        }
    }

    /// Checks the benefit's own fields.
    /// - Returns: nil when valid, else which field is wrong and why.
    public func validationError() -> String? {
        switch self {
        case .threshold(let threshold, let off):
            if threshold.currency != off.currency { return "benefit.off: currency must match benefit.threshold" }
            if off.minorUnits <= 0 { return "benefit.off: must be positive" }
            if threshold.minorUnits < off.minorUnits { return "benefit.threshold: must be at least benefit.off" }
        case .percentage(let percentOff, let cap, let threshold):
            if !(1...99).contains(percentOff) { return "benefit.percent_off: must be between 1 and 99" }
            if let cap, cap.minorUnits <= 0 { return "benefit.cap: must be positive" }
            if let threshold, threshold.minorUnits < 0 { return "benefit.threshold: must not be negative" }
            if let cap, let threshold, cap.currency != threshold.currency { return "benefit.cap: currency must match benefit.threshold" }
        case .fixedAmount(let off):
            if off.minorUnits <= 0 { return "benefit.off: must be positive" }
        case .storedValue(let balance):
            if balance.minorUnits <= 0 { return "benefit.balance: must be positive" }
        case .paidVoucher(let faceValue, let price):
            if faceValue.currency != price.currency { return "benefit.price: currency must match benefit.face_value" }
            if faceValue.minorUnits <= 0 { return "benefit.face_value: must be positive" }
            if price.minorUnits < 0 || price.minorUnits > faceValue.minorUnits {
                return "benefit.price: must be between 0 and benefit.face_value"
            }
        case .freeItem(let sku):
            if sku.isEmpty || sku.count > 64 { return "benefit.sku: 1 to 64 characters" }
        }
        return nil
    }

    /// The face value counted against a campaign's budget for each coupon issued: the most the
    /// coupon can take off. Nil when it cannot be known in advance (an uncapped percentage, a
    /// free item), in which case a budget cannot bound it.
    public var faceValue: Money? {
        switch self {
        case .threshold(_, let off): off
        case .percentage(_, let cap, _): cap
        case .fixedAmount(let off): off
        case .storedValue(let balance): balance
        case .paidVoucher(let faceValue, _): faceValue
        case .freeItem: nil
        }
    }

    /// What the coupon takes off an amount it applies to (the eligible part of a cart). Never
    /// more than the amount itself, never negative.
    /// - Parameter amount: the eligible amount.
    /// - Throws: ``MoneyError`` when the currencies differ.
    public func discount(on amount: Money) throws(MoneyError) -> Money {
        if let currency = self.currency, currency != amount.currency {
            throw .currencyMismatch(currency, amount.currency)
        }
        let zero = Money.zero(amount.currency)
        guard amount.minorUnits > 0 else { return zero }
        switch self {
        case .threshold(let threshold, let off):
            return amount.minorUnits >= threshold.minorUnits ? try off.minimum(amount) : zero
        case .percentage(let percentOff, let cap, let threshold):
            if let threshold, amount.minorUnits < threshold.minorUnits { return zero }
            let raw = try amount.percentage(percentOff)
            return try cap.map { cap throws(MoneyError) in try raw.minimum(cap) } ?? raw
        case .fixedAmount(let off), .storedValue(let off), .paidVoucher(let off, _):
            return try off.minimum(amount)
        case .freeItem:
            // The item's price is known only from the cart; redemption prices it per line.
            return zero
        }
    }
}
