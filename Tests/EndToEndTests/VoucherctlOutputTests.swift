import Foundation
import Testing
import VoucherdModel
@testable import voucherctl

/// How voucherctl prints responses, without a server.
@Suite("voucherctl output")
struct VoucherctlOutputTests {
    static var ledger: Voucherd_V1_ListPointsEntriesResponse {
        var accrual = Voucherd_V1_PointsEntry()
        accrual.entryID = "pte_1"
        accrual.kind = .accrual
        accrual.points = 1200
        accrual.balanceAfter = 1200
        accrual.createdAtMicros = 1_800_000_000_000_000
        var spend = Voucherd_V1_PointsEntry()
        spend.entryID = "pte_2"
        spend.kind = .spend
        spend.points = -200
        spend.balanceAfter = 1000
        var response = Voucherd_V1_ListPointsEntriesResponse()
        response.entries = [spend, accrual]
        response.balance = 1000
        return response
    }

    @Test("JSON uses proto field names and 64-bit integers as numbers")
    func json() throws {
        let text = try Output.render(Self.ledger, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((object["balance"] as? NSNumber)?.int64Value == 1000)
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.first?["entry_id"] as? String == "pte_2")
        #expect((entries.first?["points"] as? NSNumber)?.int64Value == -200)
        #expect(entries.last?["kind"] as? String == "POINTS_ENTRY_KIND_ACCRUAL")
    }

    @Test("tables list scalars as key-value lines and repeated messages as columns, times in UTC")
    func table() throws {
        let text = try Output.render(Self.ledger, format: .table, title: "Ledger")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Ledger")
        #expect(lines.contains { $0.hasPrefix("balance") && $0.hasSuffix("1000") })
        #expect(lines.contains("entries (2):"))
        #expect(lines.contains { $0.contains("ENTRY_ID") && $0.contains("POINTS") })
        #expect(lines.contains { $0.contains("pte_1") && $0.contains("2027-01-15T08:00:00Z") })
    }

    @Test("an empty message still prints something")
    func empty() throws {
        #expect(try Output.render(Voucherd_V1_VerifyAuditLogResponse(), format: .table) == "(empty)\n")
    }
}
