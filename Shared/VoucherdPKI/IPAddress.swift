#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses textual IP addresses into the raw network-order bytes that an X.509
/// `iPAddress` subject alternative name holds.
enum IPAddress {
    /// Returns 4 bytes for an IPv4 literal, 16 bytes for an IPv6 literal, or nil.
    ///
    /// `inet_pton` is the platform's strict parser: unlike `inet_aton` it rejects shorthand
    /// such as "127.1", so a certificate never names an address its reader might misread. It
    /// also rejects IPv6 zone identifiers ("fe80::1%eth0"), which a certificate cannot carry.
    static func bytes(_ text: String) -> [UInt8]? {
        // inet_pton sees a C string, so "127.0.0.1\0junk" would otherwise parse as 127.0.0.1.
        guard !text.utf8.contains(0) else {
            return nil
        }
        if let v4 = parse(text, family: AF_INET, length: 4) {
            return v4
        }
        return parse(text, family: AF_INET6, length: 16)
    }

    private static func parse(_ text: String, family: Int32, length: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: length)
        let result = buffer.withUnsafeMutableBytes { raw in
            inet_pton(family, text, raw.baseAddress)
        }
        return result == 1 ? buffer : nil
    }
}
