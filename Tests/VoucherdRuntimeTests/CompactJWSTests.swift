import Crypto
import Foundation
import Testing
import VoucherdModel

@testable import VoucherdRuntime

struct Base64URLTests {
    private func decode(_ text: String) -> String? {
        Base64URL.decode(ArraySlice(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    // RFC 4648 §10 vectors, unpadded and padded.
    @Test(arguments: [
        ("", ""), ("Zg", "f"), ("Zm8", "fo"), ("Zm9v", "foo"), ("Zm9vYg", "foob"), ("Zm9vYmE", "fooba"),
        ("Zm9vYmFy", "foobar"), ("Zg==", "f"), ("Zm8=", "fo"),
    ])
    func decodesTheRFCVectors(encoded: String, decoded: String) {
        #expect(self.decode(encoded) == decoded)
    }

    @Test func usesTheURLAlphabet() {
        // 0xFB 0xFF: "+/8" in standard base64, "-_8" in base64url.
        #expect(Base64URL.decode(ArraySlice("-_8".utf8)) == [0xFB, 0xFF])
        #expect(Base64URL.decode(ArraySlice("+/8".utf8)) == nil)
    }

    @Test(arguments: [
        "Z",  // a length no whole number of bytes gives
        "Zh",  // leftover bits not zero: a second spelling of "f"
        "Zm9", "Zg=", "Zg===", "Zm8==",  // wrong padding
        "Zm=v", "Zm 9v", "Zm9v\n", "Zm9v.",  // characters outside the alphabet
    ])
    func refusesWhatIsNotBase64URL(encoded: String) {
        #expect(Base64URL.decode(ArraySlice(encoded.utf8)) == nil)
    }
}

struct CompactJWSTests {
    private static func part(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func takesATokenApart() throws {
        let header = Self.part(#"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#)
        let payload = Self.part(#"{"sub":"c1"}"#)
        let signature = Self.part("signature-bytes")
        let jws = try CompactJWS.parse("\(header).\(payload).\(signature)")
        #expect(jws.header == CompactTokenHeader(alg: "EdDSA", kid: "k1", crit: nil))
        #expect(jws.payload == Array(#"{"sub":"c1"}"#.utf8))
        #expect(jws.signature == Array("signature-bytes".utf8))
        #expect(jws.signingInput == Array("\(header).\(payload)".utf8))
    }

    @Test func eachHeaderIsReadAsItsOwnEvenPastTheRememberedOnes() throws {
        let kids = (0..<100).map { "k\($0)" }
        for kid in kids + kids.reversed() + kids {
            let header = Self.part(#"{"alg":"EdDSA","kid":"\#(kid)"}"#)
            let jws = try CompactJWS.parse("\(header).\(Self.part("{}")).\(Self.part("s"))")
            #expect(jws.header.kid == kid)
        }
        // A header that failed to parse is not remembered as a good one.
        for _ in 0..<2 {
            #expect(throws: AuthenticationError.malformedToken) { try CompactJWS.parse("bm90LWpzb24.e30.c2ln") }
        }
    }

    @Test func readsCriticalExtensions() throws {
        let header = Self.part(#"{"alg":"EdDSA","kid":"k1","crit":["b64"],"b64":false}"#)
        let jws = try CompactJWS.parse("\(header).\(Self.part("{}")).\(Self.part("s"))")
        #expect(jws.header.crit == ["b64"])
    }

    @Test(arguments: [
        "", ".", "..", "a..c", ".b.c", "a.b.", "a.b.c.d",
        "e30.e30",  // two parts
        "bm90LWpzb24.e30.c2ln",  // a header that is not JSON ("not-json")
        "W10.e30.c2ln",  // a header that is JSON but not an object ("[]")
        "e30.e30.c2ln=",  // bad padding in the signature
    ])
    func refusesMalformedTokens(token: String) {
        #expect(throws: AuthenticationError.malformedToken) { try CompactJWS.parse(token) }
    }

    @Test func refusesOverlongTokens() {
        let token = "e30." + String(repeating: "A", count: CompactJWS.maximumLength) + ".c2ln"
        #expect(throws: AuthenticationError.malformedToken) { try CompactJWS.parse(token) }
    }
}
