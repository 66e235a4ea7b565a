import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore
import VoucherdRuntime

@Suite struct MerchantTests {
    private func review(
        _ service: IdentityService, _ id: String, _ decision: Voucherd_V1_MerchantStatus, reason: String = ""
    ) async throws -> Voucherd_V1_Merchant {
        var request = Voucherd_V1_ReviewMerchantRequest()
        request.merchantID = id
        request.decision = decision
        request.reason = reason
        return try await acting(as: TestPrincipals.operator) {
            try await service.reviewMerchant(request: request, context: context())
        }
    }

    @Test func reviewFlow() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let merchant = try await service.makeMerchant()
            #expect(merchant.status == .submitted)
            #expect(merchant.merchantID.hasPrefix("mer_"))
            #expect(merchant.ownerAccountID.hasPrefix("acc_"))
            let approved = try await review(service, merchant.merchantID, .approved)
            #expect(approved.status == .approved)
            #expect(approved.reviewedBy == TestPrincipals.operator.subject)
            #expect(approved.reviewedAtMicros > 0)
            let again = await rpcError { _ = try await review(service, merchant.merchantID, .rejected, reason: "late") }
            #expect(again?.code == .failedPrecondition)

            let second = try await service.makeMerchant(owner: "owner.two")
            let rejected = try await review(service, second.merchantID, .rejected, reason: "licence expired")
            #expect(rejected.status == .rejected)
            #expect(rejected.reviewReason == "licence expired")

            let missing = await rpcError { _ = try await review(service, "mer_missing", .approved) }
            #expect(missing?.code == .notFound)
        }
    }

    @Test func ownerLogsInAndSeesOnlyTheirMerchant() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            let mine = try await service.makeMerchant(owner: "owner.one")
            let theirs = try await service.makeMerchant(owner: "owner.two")
            let pair = try await service.login(request: loginRequest("owner.one"), context: context())
            let owner = try await verifier(service, clock: clock).verify(pair.accessToken)
            #expect(owner.role == .merchant)
            #expect(owner.merchantID == mine.merchantID)

            var get = Voucherd_V1_GetMerchantRequest()
            get.merchantID = mine.merchantID
            let fetched = try await acting(as: owner) { try await service.getMerchant(request: get, context: context()) }
            #expect(fetched == mine)
            get.merchantID = theirs.merchantID
            let denied = await rpcError {
                _ = try await acting(as: owner) { try await service.getMerchant(request: get, context: context()) }
            }
            #expect(denied?.code == .permissionDenied)

            // The owner adds staff to their own merchant, not to another.
            var staff = Voucherd_V1_CreateStaffRequest()
            staff.merchantID = mine.merchantID
            staff.username = "barista.1"
            staff.password = strongPassword
            let account = try await acting(as: owner) { try await service.createStaff(request: staff, context: context()) }
            #expect(account.role == "merchantStaff")
            #expect(account.merchantID == mine.merchantID)
            staff.merchantID = theirs.merchantID
            staff.username = "barista.2"
            let outOfScope = await rpcError {
                _ = try await acting(as: owner) { try await service.createStaff(request: staff, context: context()) }
            }
            #expect(outOfScope?.code == .permissionDenied)

            let staffPair = try await service.login(request: loginRequest("barista.1"), context: context())
            #expect(staffPair.principal.role == "merchantStaff")
            #expect(staffPair.principal.merchantID == mine.merchantID)
        }
    }

    @Test func usernamesAreUnique() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            _ = try await service.makeMerchant(owner: "owner.one")
            let duplicate = await rpcError { _ = try await service.makeMerchant(owner: "owner.one") }
            #expect(duplicate?.code == .alreadyExists)
            #expect(duplicate?.message.hasPrefix("owner_username:") == true)
            var request = Voucherd_V1_CreateOperatorRequest()
            request.username = "owner.one"
            request.password = strongPassword
            let clash = await rpcError {
                _ = try await acting(as: TestPrincipals.operator) {
                    try await service.createOperator(request: request, context: context())
                }
            }
            #expect(clash?.code == .alreadyExists)
            #expect(clash?.message.hasPrefix("username:") == true)
        }
    }

    @Test func listingPagesNewestFirst() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            var created: [String] = []
            for index in 0..<5 {
                created.append(try await service.makeMerchant(owner: "owner.\(index)").merchantID)
                clock.advance(by: 1)
            }
            _ = try await review(service, created[1], .approved)
            var request = Voucherd_V1_ListMerchantsRequest()
            request.pageSize = 2
            var seen: [String] = []
            repeat {
                let page = try await acting(as: TestPrincipals.service) {
                    try await service.listMerchants(request: request, context: context())
                }
                #expect(page.merchants.count <= 2)
                seen += page.merchants.map(\.merchantID)
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty
            #expect(seen == created.reversed())

            var approved = Voucherd_V1_ListMerchantsRequest()
            approved.status = .approved
            let filtered = try await acting(as: TestPrincipals.operator) {
                try await service.listMerchants(request: approved, context: context())
            }
            #expect(filtered.merchants.map(\.merchantID) == [created[1]])
            #expect(filtered.nextPageToken.isEmpty)
        }
    }
}
