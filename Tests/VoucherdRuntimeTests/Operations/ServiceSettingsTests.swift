import Foundation
import Testing
import VoucherdRuntime

@Suite("Service-specific configuration")
struct ServiceSettingsTests {
    static let settings = [ServiceSetting("bootstrap-operator"), ServiceSetting("grace", environmentVariable: "GRACE")]

    func load(_ fixture: ConfigurationFixture, _ arguments: [String], environment: [String: String] = [:]) throws -> ServiceConfiguration {
        try ServiceConfiguration.load(
            serviceName: "identity", settings: Self.settings, arguments: fixture.tlsFlags + arguments,
            environment: environment, standardOutputIsTerminal: false
        )
    }

    @Test("a setting's environment variable defaults to VOUCHERD_ plus its name")
    func environmentVariableName() {
        #expect(ServiceSetting("bootstrap-password-file").environmentVariable == "VOUCHERD_BOOTSTRAP_PASSWORD_FILE")
        #expect(ServiceSetting("x", environmentVariable: "CUSTOM").environmentVariable == "CUSTOM")
    }

    @Test("settings follow flag > environment > file precedence")
    func precedence() throws {
        let fixture = try ConfigurationFixture()
        let file = try fixture.writeConfig(#"{"bootstrap-operator": "from-file", "grace": 5}"#)
        let fromFile = try self.load(fixture, ["--config", file])
        #expect(fromFile.settings["bootstrap-operator"] == "from-file")
        #expect(fromFile.settings["grace"] == "5")
        let fromEnvironment = try self.load(fixture, ["--config", file], environment: ["VOUCHERD_BOOTSTRAP_OPERATOR": "from-env"])
        #expect(fromEnvironment.settings["bootstrap-operator"] == "from-env")
        let fromFlag = try self.load(
            fixture, ["--config", file, "--bootstrap-operator", "from-flag"], environment: ["VOUCHERD_BOOTSTRAP_OPERATOR": "from-env"]
        )
        #expect(fromFlag.settings["bootstrap-operator"] == "from-flag")
        #expect(try self.load(fixture, []).settings.isEmpty)
    }

    @Test("another service's settings are still unknown flags")
    func undeclaredSettingIsUnknown() throws {
        let fixture = try ConfigurationFixture()
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(
                serviceName: "issuance", arguments: fixture.tlsFlags + ["--bootstrap-operator", "x"], environment: [:]
            )
        }
    }

    @Test("the object under the service's name becomes its section, read with typed accessors")
    func section() throws {
        let fixture = try ConfigurationFixture()
        let file = try fixture.writeConfig(
            #"{"identity": {"tokens": {"issuer": "me", "lifetime": 900, "rotate": true, "skew": 1.5}, "extra": null}}"#
        )
        let configuration = try self.load(fixture, ["--config", file])
        let identity = try #require(configuration.section)
        #expect(identity.path == "identity")
        let tokens = try #require(try identity.section("tokens"))
        #expect(try tokens.string("issuer") == "me")
        #expect(try tokens.integer("lifetime") == 900)
        #expect(try tokens.bool("rotate") == true)
        #expect(try tokens.number("skew") == 1.5)
        #expect(try tokens.string("absent") == nil)
        #expect(try identity.section("extra") == nil)
        try tokens.rejectUnknownKeys(known: ["issuer", "lifetime", "rotate", "skew"])
    }

    @Test("section errors name the full key path")
    func sectionErrors() throws {
        let fixture = try ConfigurationFixture()
        let file = try fixture.writeConfig(#"{"identity": {"tokens": {"lifetime": "long", "rotate": 1, "count": 2.5, "typo": 1}}}"#)
        let tokens = try #require(try self.load(fixture, ["--config", file]).section?.section("tokens"))
        #expect(throws: ConfigurationError(key: "identity.tokens.lifetime", problem: "must be an integer")) { try tokens.integer("lifetime") }
        #expect(throws: ConfigurationError(key: "identity.tokens.rotate", problem: "must be true or false")) { try tokens.bool("rotate") }
        #expect(throws: ConfigurationError.self) { try tokens.integer("count") }
        #expect(throws: ConfigurationError.self) { try tokens.integer("count", in: 0...1) }
        do {
            try tokens.rejectUnknownKeys(known: ["lifetime", "rotate", "count"])
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.key == "identity.tokens.typo")
        }
    }

    @Test("a service's name in the file must hold an object")
    func sectionMustBeObject() throws {
        let fixture = try ConfigurationFixture()
        let file = try fixture.writeConfig(#"{"identity": 3}"#)
        #expect(throws: ConfigurationError.self) { try self.load(fixture, ["--config", file]) }
    }
}
