import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore
import VoucherdRuntime

@Suite struct LoginTests {
    @Test func bootstrapThenLoginIssuesVerifiableTokens() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            #expect(try await service.bootstrapOperator(username: "root", password: strongPassword))
            #expect(try await service.bootstrapOperator(username: "root2", password: strongPassword) == false)
            let pair = try await acting(as: nil) {
                try await service.login(request: loginRequest("root"), context: context())
            }
            #expect(pair.principal.role == "operator")
            #expect(pair.refreshToken.hasPrefix("rt_"))
            #expect(pair.accessTokenExpiresAtMicros == Int64(clock.now.timeIntervalSince1970 + 900) * 1_000_000)
            let principal = try await verifier(service, clock: clock).verify(pair.accessToken)
            #expect(principal.role == .operator)
            #expect(principal.subject == pair.principal.subject)
            let who = try await acting(as: principal) {
                try await service.whoAmI(request: .init(), context: context())
            }
            #expect(who.principal == pair.principal)
        }
    }

    @Test func wrongPasswordAndUnknownUserGetTheSameAnswer() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            _ = try await service.bootstrapOperator(username: "root", password: strongPassword)
            let wrong = await rpcError {
                _ = try await service.login(request: loginRequest("root", "not the password!"), context: context())
            }
            let unknown = await rpcError {
                _ = try await service.login(request: loginRequest("nobody", strongPassword), context: context())
            }
            #expect(wrong?.code == .unauthenticated)
            #expect(unknown?.code == .unauthenticated)
            #expect(wrong?.message == unknown?.message)
        }
    }

    @Test func lockoutAfterFiveFailuresThenUnlockWhenTheClockMoves() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, environment in
            _ = try await service.bootstrapOperator(username: "root", password: strongPassword)
            for _ in 1...4 {
                let error = await rpcError {
                    _ = try await service.login(request: loginRequest("root", "wrong password 1"), context: context())
                }
                #expect(error?.code == .unauthenticated)
            }
            let fifth = await rpcError {
                _ = try await service.login(request: loginRequest("root", "wrong password 1"), context: context())
            }
            #expect(fifth?.code == .resourceExhausted)
            let correctButLocked = await rpcError {
                _ = try await service.login(request: loginRequest("root"), context: context())
            }
            #expect(correctButLocked?.code == .resourceExhausted)
            #expect(correctButLocked?.message.contains("locked until") == true)

            clock.advance(by: 14 * 60)
            #expect(await rpcError { _ = try await service.login(request: loginRequest("root"), context: context()) }?
                .code == .resourceExhausted)
            clock.advance(by: 61)
            let pair = try await service.login(request: loginRequest("root"), context: context())
            #expect(pair.principal.role == "operator")
            let failed = try await environment.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT failed_logins FROM accounts WHERE username = 'root'")
            }
            #expect(failed == 0)
            let types = try await environment.store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT type FROM store_outbox ORDER BY sequence")
            }
            #expect(types.contains("identity.account.locked"))
        }
    }

    @Test func passwordHashFormatAndParameters() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            _ = try await service.bootstrapOperator(username: "root", password: strongPassword)
            let stored = try #require(
                try await environment.store.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT password_hash FROM accounts WHERE username = 'root'")
                })
            #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
            let parsed = try #require(PasswordHasher.parse(stored))
            #expect(parsed.iterations == 1_000)
            #expect(parsed.salt.count == 16)
            #expect(parsed.hash.count == 32)
            #expect(!stored.contains(strongPassword))
            let hasher = PasswordHasher(policy: cheapConfiguration.passwords)
            #expect(hasher.verify(strongPassword, against: stored))
            #expect(!hasher.verify(strongPassword + "x", against: stored))
            // Two hashes of one password differ by their salt.
            #expect(try hasher.hash(strongPassword) != hasher.hash(strongPassword))
        }
    }

    @Test func raisingTheCostRehashesAtTheNextLogin() async throws {
        let directoryClock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: directoryClock) { service, environment in
            _ = try await service.bootstrapOperator(username: "root", password: strongPassword)
            var raised = cheapConfiguration
            raised.passwords.iterations = 2_000
            let stronger = try IdentityService(
                environment: IdentityEnvironment(
                    store: environment.store, writer: environment.writer, configuration: raised,
                    logger: environment.logger, now: environment.now))
            _ = try await stronger.login(request: loginRequest("root"), context: context())
            let stored = try await environment.store.pool.read { db in
                try String.fetchOne(db, sql: "SELECT password_hash FROM accounts WHERE username = 'root'")
            }
            #expect(stored?.hasPrefix("pbkdf2-sha256$2000$") == true)
        }
    }

    @Test func productionDefaultsAreOWASPStrength() throws {
        let passwords = PasswordPolicy()
        #expect(passwords.iterations >= 600_000)
        #expect(passwords.saltByteCount >= 16)
        #expect(passwords.minimumPasswordLength >= 12)
        #expect(passwords.maximumFailedLogins == 5)
        #expect(passwords.lockoutDuration == .seconds(900))
        let tokens = TokenPolicy()
        #expect(tokens.accessTokenLifetime == .seconds(900))
        #expect(tokens.refreshTokenLifetime == .seconds(30 * 86_400))
        #expect(tokens.rotationInterval == .seconds(86_400))
        #expect(tokens.issuer == "voucherd-identity")
        #expect(tokens.audience == "voucherd")
        // A real production-cost hash round-trips and records its parameters.
        let hasher = PasswordHasher(policy: passwords)
        let stored = try hasher.hash(strongPassword)
        #expect(stored.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(hasher.verify(strongPassword, against: stored))
    }
}
