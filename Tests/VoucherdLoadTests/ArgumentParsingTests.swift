import ArgumentParser
import Testing
import XRPC

@testable import voucherd_load

@Suite("Argument parsing")
struct ArgumentParsingTests {
    static let tls = ["--ca", "/c/ca.crt", "--cert", "/c/load.crt", "--key", "/c/load.key"]

    @Test("endpoints parse as host:port and [v6]:port", arguments: [
        ("localhost:7001", XRPCEndpoint(host: "localhost", port: 7001)),
        ("127.0.0.1:1", XRPCEndpoint(host: "127.0.0.1", port: 1)),
        ("[::1]:8443", XRPCEndpoint(host: "::1", port: 8443)),
    ])
    func endpoints(text: String, expected: XRPCEndpoint) {
        #expect(EndpointArgument(argument: text) == EndpointArgument(expected))
    }

    @Test("bad endpoints are refused", arguments: ["localhost", "localhost:0", "localhost:70000", ":80", "::1:80", "host:http"])
    func badEndpoints(text: String) {
        #expect(EndpointArgument(argument: text) == nil)
    }

    @Test("a full flash-sale command line parses")
    func flashSale() throws {
        let command = try FlashSaleCommand.parse(
            ["--endpoint", "localhost:7002", "--identity-endpoint", "localhost:7001", "--api-key", "k", "--setup",
             "--admin-token", "t", "--merchant-id", "mer_1", "--users", "50000", "--attempts", "200000",
             "--connections", "8", "--concurrency", "128", "--json", "/tmp/x.json"] + Self.tls)
        #expect(command.load.requests == 200_000)
        #expect(command.users == 50_000)
        #expect(command.connection.connections == 8)
        #expect(command.load.plan(defaultRequests: 1) == LoadPlan(requests: 200_000))
        #expect(command.connection.endpoints == [XRPCEndpoint(host: "localhost", port: 7002)])
    }

    @Test("--certs fills in the files voucherctl certs init writes")
    func certsDirectory() throws {
        let command = try PointsCommand.parse(["--endpoint", "localhost:7001", "--api-key", "k", "--certs", "/c"])
        #expect(command.connection.resolvedCA == "/c/ca.crt")
        #expect(command.connection.resolvedCert == "/c/load.crt")
        #expect(command.connection.resolvedKey == "/c/load.key")
        #expect(command.load.plan(defaultRequests: 20_000) == LoadPlan(requests: 20_000))
        #expect(command.load.warmupPlan == LoadPlan(duration: .seconds(1)))
    }

    @Test("invalid command lines are refused", arguments: [
        ["points", "--endpoint", "localhost:7001"],  // no --api-key
        ["points", "--api-key", "k", "--endpoint", "localhost:7001"],  // no --ca
        ["points", "--api-key", "k", "--ca", "/c/ca.crt", "--cert", "/c/x.crt"],  // cert without key
        ["points", "--api-key", "k", "--certs", "/c", "--connections", "0"],
        ["points", "--api-key", "k", "--certs", "/c", "--concurrency", "0"],
        ["points", "--api-key", "k", "--certs", "/c", "--duration", "-1"],
        ["points", "--api-key", "k", "--certs", "/c", "--requests", "0"],
        ["points", "--api-key", "k", "--certs", "/c", "--consumers", "0"],
        ["points", "--api-key", "k", "--certs", "/c", "--endpoint", "nohost"],
        ["flash-sale", "--api-key", "k", "--certs", "/c", "--campaign", "cmp_1"],  // no identity endpoint
        ["flash-sale", "--api-key", "k", "--certs", "/c", "--identity-endpoint", "h:1"],  // no campaign or setup
        ["flash-sale", "--api-key", "k", "--certs", "/c", "--identity-endpoint", "h:1", "--campaign", "c", "--setup"],
        ["flash-sale", "--api-key", "k", "--certs", "/c", "--identity-endpoint", "h:1", "--setup"],  // no admin token
        ["flash-sale", "--api-key", "k", "--certs", "/c", "--identity-endpoint", "h:1", "--campaign", "c", "--users", "0"],
        ["bogus"],
    ])
    func refused(arguments: [String]) {
        #expect(throws: (any Error).self) { try VoucherdLoad.parseAsRoot(arguments) }
    }

    @Test("points without --endpoint is refused when it runs, naming the service")
    func missingEndpoint() throws {
        let command = try PointsCommand.parse(["--api-key", "k", "--certs", "/c"])
        #expect(throws: ValidationError.self) { try command.connection.requireEndpoints(of: "identity") }
    }

    @Test("every command has help")
    func help() {
        for command in [VoucherdLoad.self, PointsCommand.self, FlashSaleCommand.self] as [any ParsableCommand.Type] {
            #expect(!command.helpMessage().isEmpty)
        }
        #expect(FlashSaleCommand.helpMessage().contains("--identity-endpoint"))
        #expect(PointsCommand.helpMessage().contains("--connections"))
    }
}
