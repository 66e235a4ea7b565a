import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel

/// A stored campaign (`campaigns` row).
struct CampaignRecord: Sendable {
    var id: String
    var merchantID: String
    var name: String
    var description: String
    var status: CampaignStatus
    var distribution: Voucherd_V1_Distribution
    var codeBinding: Voucherd_V1_CodeBinding
    var codeFormat: Voucherd_V1_CodeFormat
    var benefit: Voucherd_V1_Benefit
    /// The rules as created; ``rules`` overlays the columns that may change since.
    var storedRules: Voucherd_V1_CampaignRules
    var timeZone: String
    var claimEndMicros: Int64
    var inventory: Int64
    var issued: Int64
    var budget: Money?
    var budgetUsedMinor: Int64
    var redeemed: Int64
    var codesGenerated: Int64
    var createdAtMicros: Int64
    var updatedAtMicros: Int64

    /// The current rules: the stored ones with claim end, inventory and budget from the columns.
    var rules: Voucherd_V1_CampaignRules {
        var rules = self.storedRules
        rules.claimEndMicros = self.claimEndMicros == CampaignPolicy.noEnd ? 0 : self.claimEndMicros
        rules.inventory = UInt64(self.inventory)
        if let budget { rules.budget = budget.message } else { rules.clearBudget() }
        return rules
    }

    /// The campaign's policy (its rules as model types).
    func policy() throws -> CampaignPolicy {
        guard let zone = TimeZone(identifier: self.timeZone) else { throw IssuanceError.internalError }
        return try CampaignPolicy(benefit: self.benefit, rules: self.rules, timeZone: zone)
    }

    /// Coupons left to issue.
    var remaining: Int64 { max(0, self.inventory - self.issued) }

    /// The wire message.
    var message: Voucherd_V1_Campaign {
        var message = Voucherd_V1_Campaign()
        message.campaignID = self.id
        message.merchantID = self.merchantID
        message.name = self.name
        message.description_p = self.description
        message.status = self.status.message
        message.benefit = self.benefit
        message.rules = self.rules
        message.distribution = self.distribution
        message.codeBinding = self.codeBinding
        message.codeFormat = self.codeFormat
        message.createdAtMicros = self.createdAtMicros
        message.updatedAtMicros = self.updatedAtMicros
        message.timeZone = self.timeZone
        return message
    }

    /// The wire stock report.
    var stock: Voucherd_V1_CampaignStock {
        var stock = Voucherd_V1_CampaignStock()
        stock.campaignID = self.id
        stock.inventory = UInt64(self.inventory)
        stock.issued = UInt64(self.issued)
        stock.remaining = UInt64(self.remaining)
        if let budget {
            stock.budget = budget.message
            stock.budgetUsed = Money(minorUnits: self.budgetUsedMinor, currency: budget.currency).message
        }
        stock.codesGenerated = UInt64(self.codesGenerated)
        stock.redeemed = UInt64(self.redeemed)
        return stock
    }
}

extension CampaignRecord {
    /// Reads a row selected with `campaigns.*`.
    init(row: Row) throws {
        self.id = row["id"]
        self.merchantID = row["merchant_id"]
        self.name = row["name"]
        self.description = row["description"]
        guard let status = CampaignStatus(rawValue: row["status"]) else { throw IssuanceError.internalError }
        self.status = status
        self.distribution = Self.distribution(named: row["distribution"])
        self.codeBinding = Voucherd_V1_CodeBinding(rawValue: row["code_binding"]) ?? .unspecified
        self.codeFormat = try Voucherd_V1_CodeFormat(serializedBytes: row["code_format"] as Data)
        self.benefit = try Voucherd_V1_Benefit(serializedBytes: row["benefit"] as Data)
        self.storedRules = try Voucherd_V1_CampaignRules(serializedBytes: row["rules"] as Data)
        self.timeZone = row["time_zone"]
        self.claimEndMicros = row["claim_end_us"]
        self.inventory = row["inventory"]
        self.issued = row["issued"]
        let currency: String? = row["budget_currency"]
        let budgetMinor: Int64? = row["budget_minor"]
        if let currency, let budgetMinor, let code = CurrencyCode(currency) {
            self.budget = Money(minorUnits: budgetMinor, currency: code)
        } else {
            self.budget = nil
        }
        self.budgetUsedMinor = row["budget_used_minor"]
        self.redeemed = row["redeemed"]
        self.codesGenerated = row["codes_generated"]
        self.createdAtMicros = row["created_at_us"]
        self.updatedAtMicros = row["updated_at_us"]
    }

    /// The stored name of a distribution.
    static func name(of distribution: Voucherd_V1_Distribution) -> String {
        switch distribution {
        case .code: "code"
        case .grant: "grant"
        default: "claim"
        }
    }

    private static func distribution(named name: String) -> Voucherd_V1_Distribution {
        switch name {
        case "code": .code
        case "grant": .grant
        default: .claim
        }
    }
}

extension CampaignRecord {
    /// The stock level as the gate counts it.
    var level: StockGate.Level { StockGate.Level(inventory: self.inventory, issued: self.issued) }
}
