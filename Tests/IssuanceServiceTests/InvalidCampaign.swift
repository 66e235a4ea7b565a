import Foundation
import VoucherdModel
import VoucherdStore

/// Bad CreateCampaign requests and the field each must be refused for.
enum InvalidCampaign: String, CaseIterable, Sendable {
    case noMerchant, noName, longDescription, noBenefit, negativeOff, thresholdBelowOff, percentTooHigh
    case badCurrency, noRules, noValidity, zeroDays, fixedInPast, inventoryZero, perDayAboveTotal
    case claimEndBeforeStart, badTimeZone, noDistribution, codeWithoutBinding, badCodePrefix
    case budgetOtherCurrency, budgetUncappedPercentage, variantWeightZero, variantBadBenefit, badWindowDay
    case noIdempotencyKey

    var field: String {
        switch self {
        case .noMerchant: "merchant_id"
        case .noName: "name"
        case .longDescription: "description"
        case .noBenefit: "benefit"
        case .negativeOff, .badCurrency: "benefit.fixed_amount.off"
        case .thresholdBelowOff: "benefit.threshold.threshold"
        case .percentTooHigh: "benefit.percentage.percent_off"
        case .noRules: "rules"
        case .noValidity: "rules.validity"
        case .zeroDays: "rules.validity.after_claim.days"
        case .fixedInPast: "rules.validity.fixed.end_micros"
        case .inventoryZero: "rules.inventory"
        case .perDayAboveTotal: "rules.per_user_per_day"
        case .claimEndBeforeStart: "rules.claim_end_micros"
        case .badTimeZone: "time_zone"
        case .noDistribution: "distribution"
        case .codeWithoutBinding: "code_binding"
        case .badCodePrefix: "code_format.prefix"
        case .budgetOtherCurrency, .budgetUncappedPercentage: "rules.budget"
        case .variantWeightZero: "rules.variants.weight"
        case .variantBadBenefit: "rules.variants[1].benefit.fixed_amount.off"
        case .badWindowDay: "rules.claim_window.days"
        case .noIdempotencyKey: "idempotency_key"
        }
    }

    func apply(_ request: inout Voucherd_V1_CreateCampaignRequest) {
        switch self {
        case .noMerchant: request.merchantID = ""
        case .noName: request.name = ""
        case .longDescription: request.description_p = String(repeating: "x", count: 2001)
        case .noBenefit: request.clearBenefit()
        case .negativeOff: request.benefit.fixedAmount.off = Fixtures.money(-1)
        case .badCurrency: request.benefit.fixedAmount.off = Fixtures.money(100, "cny")
        case .thresholdBelowOff:
            request.benefit.threshold.threshold = Fixtures.money(100)
            request.benefit.threshold.off = Fixtures.money(200)
        case .percentTooHigh: request.benefit.percentage.percentOff = 100
        case .noRules: request.clearRules()
        case .noValidity: request.rules.clearValidity()
        case .zeroDays: request.rules.validity.afterClaim.days = 0
        case .fixedInPast:
            request.rules.validity.fixed.startMicros = 1_000_000
            request.rules.validity.fixed.endMicros = 2_000_000
        case .inventoryZero: request.rules.inventory = 0
        case .perDayAboveTotal:
            request.rules.perUserTotal = 1
            request.rules.perUserPerDay = 2
        case .claimEndBeforeStart:
            request.rules.claimStartMicros = 2_000_000
            request.rules.claimEndMicros = 1_000_000
        case .badTimeZone: request.timeZone = "Mars/Olympus"
        case .noDistribution: request.distribution = .unspecified
        case .codeWithoutBinding: request.distribution = .code
        case .badCodePrefix:
            request.distribution = .code
            request.codeBinding = .bearer
            request.codeFormat.prefix = "bad prefix"
        case .budgetOtherCurrency: request.rules.budget = Fixtures.money(100_000, "USD")
        case .budgetUncappedPercentage:
            request.benefit.percentage.percentOff = 20
            request.rules.budget = Fixtures.money(100_000)
        case .variantWeightZero:
            var variant = Voucherd_V1_Variant()
            variant.name = "A"
            variant.weight = 0
            variant.benefit.fixedAmount.off = Fixtures.money(100)
            request.rules.variants = [variant]
        case .variantBadBenefit:
            var a = Voucherd_V1_Variant()
            a.name = "A"
            a.weight = 1
            a.benefit.fixedAmount.off = Fixtures.money(100)
            var b = a
            b.name = "B"
            b.benefit.fixedAmount.off = Fixtures.money(0)
            request.rules.variants = [a, b]
        case .badWindowDay: request.rules.claimWindow.days = [8]
        case .noIdempotencyKey: request.idempotencyKey = ""
        }
    }
}

