import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ConsumerAuthorizationTests {
    @Test(arguments: ConsumerMethod.allCases, CallerKind.allCases)
    func everyMethodForEveryRole(method: ConsumerMethod, caller: CallerKind) async throws {
        try await withIdentityService { service, env in
            let fixture = try await ConsumerFixture.make(service)
            let principal = caller.principal(fixture)
            if method.allowed.contains(caller) {
                try await acting(as: principal) { try await method.call(service, fixture) }
            } else {
                await expectRPCError(caller == .none ? .unauthenticated : .permissionDenied) {
                    try await acting(as: principal) { try await method.call(service, fixture) }
                }
                // A refused call changes nothing: the fixture's balance is intact.
                #expect(try await service.member(fixture.consumerID).pointsBalance == 90)
            }
            #expect(try await env.auditIsIntact())
        }
    }
}
