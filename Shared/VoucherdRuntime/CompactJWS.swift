import VoucherdModel
import Foundation
import Synchronization

/// The fields of a JWS header the verifier needs before choosing a key.
struct CompactTokenHeader: Decodable, Sendable, Hashable {
    var alg: String?
    var kid: String?
    /// Extensions the signer marked critical (RFC 7515 §4.1.11). We understand none, so a token
    /// that lists any is refused rather than verified while ignoring what it says.
    var crit: [String]?
}

/// A compact JWS (`header.payload.signature`, each part base64url without padding) taken apart
/// once: the decoded header, payload and signature, and the bytes the signature covers.
///
/// Why our own parser rather than jwt-kit's: the verifier runs on the event loop for the first
/// call of every token, and in a flash sale that is tens of thousands of tokens a second. jwt-kit
/// splits and decodes the token again after we have read its header, goes through Foundation's
/// string replacement for base64url, and hops onto its key collection's actor; this does one pass
/// over the UTF-8 bytes and no hops. Identity still signs with jwt-kit, and the tests verify
/// tokens it signed, so the two agree on the format.
struct CompactJWS: Sendable {
    /// Tokens longer than this are refused unparsed.
    static let maximumLength = 8192

    var header: CompactTokenHeader
    /// The decoded payload (JSON claims).
    var payload: [UInt8]
    /// The decoded signature.
    var signature: [UInt8]
    /// `header.payload` as sent: what the signature signs.
    var signingInput: [UInt8]

    /// Takes a token apart; throws ``AuthenticationError/malformedToken`` for anything that is
    /// not three non-empty base64url parts with a JSON header.
    static func parse(_ token: String) throws(AuthenticationError) -> CompactJWS {
        var bytes = Array(token.utf8)
        guard bytes.count <= Self.maximumLength else { throw .malformedToken }
        guard let firstDot = bytes.firstIndex(of: UInt8(ascii: ".")) else { throw .malformedToken }
        guard let secondDot = bytes[(firstDot + 1)...].firstIndex(of: UInt8(ascii: ".")) else { throw .malformedToken }
        guard bytes[(secondDot + 1)...].firstIndex(of: UInt8(ascii: ".")) == nil else { throw .malformedToken }
        let headerPart = bytes[..<firstDot]
        let payloadPart = bytes[(firstDot + 1)..<secondDot]
        let signaturePart = bytes[(secondDot + 1)...]
        guard !headerPart.isEmpty, !payloadPart.isEmpty, !signaturePart.isEmpty,
            let payload = Base64URL.decode(payloadPart),
            let signature = Base64URL.decode(signaturePart)
        else { throw .malformedToken }
        let header = try Self.header(headerPart)
        bytes.removeSubrange(secondDot...)
        return CompactJWS(header: header, payload: payload, signature: signature, signingInput: bytes)
    }

    /// Headers already decoded, by their encoded text. One signer writes the same header for
    /// every token of a key (`{"alg":"EdDSA","kid":…,"typ":"JWT"}`), so after the first token of
    /// a key the JSON decoder is skipped. Bounded: forgotten wholesale past 64 headers.
    private static let knownHeaders = Mutex<[ArraySlice<UInt8>: CompactTokenHeader]>([:])

    private static func header(_ encoded: ArraySlice<UInt8>) throws(AuthenticationError) -> CompactTokenHeader {
        if let known = Self.knownHeaders.withLock({ $0[encoded] }) { return known }
        guard let json = Base64URL.decode(encoded) else { throw .malformedToken }
        let header: CompactTokenHeader
        do {
            header = try JSONDecoder().decode(CompactTokenHeader.self, from: Data(json))
        } catch {
            throw .malformedToken
        }
        Self.knownHeaders.withLock { known in
            if known.count >= 64 { known.removeAll(keepingCapacity: true) }
            known[ArraySlice(Array(encoded))] = header
        }
        return header
    }
}

/// Base64url (RFC 7515 §2), strict about the alphabet: any other character, or a length that
/// cannot come from whole bytes, is refused. JWS omits the `=` padding; a correctly padded part is
/// accepted too, as jwt-kit does, since the signature covers the text as sent either way.
enum Base64URL {
    /// The decoded bytes, or nil when `text` is not base64url.
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var text = text
        var padding = 0
        while padding < 2, text.last == UInt8(ascii: "=") {
            text.removeLast()
            padding += 1
        }
        guard text.count % 4 != 1, padding == 0 || (text.count + padding) % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value = Self.table[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits must be zero, or two encodings would decode to the same bytes.
        guard accumulator == 0 else { return nil }
        return output
    }

    /// Maps an ASCII byte to its 6-bit value, 0xFF for bytes outside the alphabet.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
