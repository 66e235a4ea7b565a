import Synchronization

/// A W3C Trace Context position: the trace a call belongs to and the span doing the work,
/// carried between services in the `traceparent` metadata value `00-<trace>-<span>-<flags>`.
///
/// ``CallObservabilityInterceptor`` binds ``current`` for each served call;
/// ``TraceClientInterceptor`` reads it to continue the trace on outgoing calls.
public struct TraceContext: Sendable, Hashable, CustomStringConvertible {
    /// The metadata key carrying the context.
    public static let metadataKey = "traceparent"

    /// The trace context of the call this task is serving, if any.
    @TaskLocal public static var current: TraceContext?

    /// 32 lowercase hex digits, not all zero.
    public let traceID: String
    /// 16 lowercase hex digits, not all zero.
    public let spanID: String
    /// 2 lowercase hex digits; `01` means sampled.
    public let flags: String

    /// Parses a `traceparent` value; nil unless it is exactly `00-<32 hex>-<16 hex>-<2 hex>` with
    /// lowercase hex and non-zero trace and span ids.
    /// - Parameter traceparent: the header value.
    public init?(traceparent: String) {
        let parts = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00",
            Self.isHex(parts[1], count: 32), Self.isHex(parts[2], count: 16), Self.isHex(parts[3], count: 2),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        self.traceID = String(parts[1])
        self.spanID = String(parts[2])
        self.flags = String(parts[3])
    }

    private init(traceID: String, spanID: String, flags: String) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// Starts a new trace with a random trace id and span id, sampled.
    /// - Returns: the new context.
    public static func newTrace() -> TraceContext {
        TraceContext(traceID: Self.randomHex(bytes: 16), spanID: Self.randomHex(bytes: 8), flags: "01")
    }

    /// The same trace with a new random span id: what a callee or an outgoing call uses.
    /// - Returns: the child context.
    public func childSpan() -> TraceContext {
        TraceContext(traceID: self.traceID, spanID: Self.randomHex(bytes: 8), flags: self.flags)
    }

    /// The `traceparent` value: `00-<trace>-<span>-<flags>`.
    public var traceparent: String {
        "00-\(self.traceID)-\(self.spanID)-\(self.flags)"
    }

    /// Same as ``traceparent``.
    public var description: String { self.traceparent }

    private static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Lowercase hex for `bytes` pseudo-random bytes, eight at a time from ``IDSource``.
    private static func randomHex(bytes: Int) -> String {
        let digits: StaticString = "0123456789abcdef"
        while true {
            let text = String(unsafeUninitializedCapacity: bytes * 2) { buffer in
                var written = 0
                var word: UInt64 = 0
                for index in 0..<bytes {
                    if index % 8 == 0 { word = IDSource.next() }
                    let byte = UInt8(truncatingIfNeeded: word >> (UInt64(index % 8) * 8))
                    buffer[written] = digits.utf8Start[Int(byte >> 4)]
                    buffer[written + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    written += 2
                }
                return written
            }
            // An all-zero id is invalid; astronomically unlikely, but retry rather than emit one.
            if text.utf8.contains(where: { $0 != 48 }) { return text }
        }
    }
}

/// Where trace and span ids come from: SplitMix64 over a counter that starts at a random point.
///
/// Ids must be unique and unpredictable enough not to collide across services, not secret
/// (W3C Trace Context §3.2.2.3), so the system generator's `getrandom` call per draw (three per
/// served call, 3–4% of a busy event loop) buys nothing. SplitMix64 is a bijection of the counter,
/// so one process never repeats a value within 2^64 draws, and the random start makes two
/// processes' sequences unrelated. One relaxed atomic add per draw, no lock.
enum IDSource {
    private static let start: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UInt64 {
        let position = Self.counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return Self.mix(Self.start &+ position &* 0x9E37_79B9_7F4A_7C15)
    }

    /// SplitMix64's output function (Steele, Lea and Flood, 2014).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
