import VoucherdModel

// The one place where a wire benefit becomes the model's `Benefit` (whose rules price carts).
extension Benefit {
    /// Validates a wire benefit.
    /// - Parameters:
    ///   - message: the wire benefit.
    ///   - path: its proto path, such as `benefit` or `rules.variants[0].benefit`.
    /// - Throws: INVALID_ARGUMENT naming the field, such as `benefit.threshold.off`.
    init(validating message: Voucherd_V1_Benefit, path: String) throws(IssuanceError) {
        let model: Benefit
        let kindPath: String
        switch message.kind {
        case nil:
            throw .invalidArgument(field: path, reason: "exactly one kind of benefit is required")
        case .threshold(let rule):
            kindPath = path + ".threshold"
            model = .threshold(
                threshold: try RequestChecks.money(rule.threshold, isSet: rule.hasThreshold, field: kindPath + ".threshold"),
                off: try RequestChecks.money(rule.off, isSet: rule.hasOff, field: kindPath + ".off"))
        case .percentage(let rule):
            kindPath = path + ".percentage"
            let cap = rule.hasCap ? try RequestChecks.money(rule.cap, isSet: true, field: kindPath + ".cap") : nil
            let threshold = rule.hasThreshold
                ? try RequestChecks.money(rule.threshold, isSet: true, field: kindPath + ".threshold") : nil
            model = .percentage(percentOff: Int(rule.percentOff), cap: cap, threshold: threshold)
        case .fixedAmount(let rule):
            kindPath = path + ".fixed_amount"
            model = .fixedAmount(off: try RequestChecks.money(rule.off, isSet: rule.hasOff, field: kindPath + ".off"))
        case .storedValue(let rule):
            kindPath = path + ".stored_value"
            model = .storedValue(
                balance: try RequestChecks.money(rule.balance, isSet: rule.hasBalance, field: kindPath + ".balance"))
        case .paidVoucher(let rule):
            kindPath = path + ".paid_voucher"
            model = .paidVoucher(
                faceValue: try RequestChecks.money(rule.faceValue, isSet: rule.hasFaceValue, field: kindPath + ".face_value"),
                price: try RequestChecks.money(rule.price, isSet: rule.hasPrice, field: kindPath + ".price"))
            guard rule.refundWindowDays <= 365 else {
                throw .invalidArgument(field: kindPath + ".refund_window_days", reason: "at most 365")
            }
        case .freeItem(let rule):
            kindPath = path + ".free_item"
            if rule.hasValue { _ = try RequestChecks.money(rule.value, isSet: true, field: kindPath + ".value") }
            model = .freeItem(sku: rule.sku)
        }
        if let problem = model.validationError() {
            throw RequestChecks.ruleError(problem, prefix: "benefit", replacement: kindPath)
        }
        self = model
    }

    /// What one coupon counts against a budget: the model's face value, or for a free item the
    /// item's usual price that the wire message carries. Nil when nothing bounds it.
    static func budgetValue(of message: Voucherd_V1_Benefit, model: Benefit) -> Money? {
        if case .freeItem(let item) = message.kind, item.hasValue { return Money(item.value) }
        return model.faceValue
    }
}
