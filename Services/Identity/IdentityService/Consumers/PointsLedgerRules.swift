/// The points ledger's arithmetic, free of storage so every rule is unit tested on its own.
///
/// Balances never go negative; a refund gives back at most what its spend took, less earlier
/// refunds of that spend; every result is checked for overflow.
enum PointsLedgerRules {
    /// The most points one accrual, spend or refund may move.
    static let maximumPoints: Int64 = 10_000_000

    /// Why a ledger operation is refused.
    enum Violation: Error, Equatable {
        /// `points` is outside 1…``maximumPoints``.
        case pointsOutOfRange(Int64)
        /// A spend larger than the balance.
        case insufficientBalance(balance: Int64, requested: Int64)
        /// A refund larger than what is left of its spend.
        case refundExceedsSpend(remaining: Int64, requested: Int64)
        /// A total would no longer fit in 64 bits.
        case overflow
    }

    /// Balances after an accrual.
    struct Accrual: Equatable {
        var balance: Int64
        var lifetimePoints: Int64
        var lifetimeSpendMinorUnits: Int64
    }

    static func checkPoints(_ points: Int64) throws(Violation) {
        guard (1...maximumPoints).contains(points) else { throw .pointsOutOfRange(points) }
    }

    static func accrue(
        balance: Int64, lifetimePoints: Int64, lifetimeSpendMinorUnits: Int64, points: Int64, spendMinorUnits: Int64
    ) throws(Violation) -> Accrual {
        try checkPoints(points)
        guard spendMinorUnits >= 0 else { throw .overflow }
        return Accrual(
            balance: try add(balance, points),
            lifetimePoints: try add(lifetimePoints, points),
            lifetimeSpendMinorUnits: try add(lifetimeSpendMinorUnits, spendMinorUnits))
    }

    /// The balance after spending `points`.
    static func spend(balance: Int64, points: Int64) throws(Violation) -> Int64 {
        try checkPoints(points)
        guard points <= balance else { throw .insufficientBalance(balance: balance, requested: points) }
        return balance - points
    }

    /// What is left to refund of a spend of `spent` points (a positive number) after earlier
    /// refunds totalling `refunded`.
    static func refundable(spent: Int64, refunded: Int64) -> Int64 {
        max(0, spent - refunded)
    }

    /// The balance after refunding `points` of a spend.
    static func refund(balance: Int64, spent: Int64, refunded: Int64, points: Int64) throws(Violation) -> Int64 {
        try checkPoints(points)
        let remaining = refundable(spent: spent, refunded: refunded)
        guard points <= remaining else { throw .refundExceedsSpend(remaining: remaining, requested: points) }
        return try add(balance, points)
    }

    private static func add(_ lhs: Int64, _ rhs: Int64) throws(Violation) -> Int64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        guard !overflow else { throw .overflow }
        return sum
    }
}
