/// An ISO 4217 alphabetic currency code, such as `CNY`.
///
/// Only the shape is checked (three ASCII capital letters): the platform carries amounts in
/// dozens of currencies, and refusing a code the table below does not know would turn a missing
/// table row into an outage. Unknown codes are assumed to have two minor-unit digits.
public struct CurrencyCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The three-letter code.
    public let code: String

    /// Validates a currency code.
    /// - Parameter code: three ASCII capital letters.
    /// - Returns: nil when `code` is not of that shape.
    public init?(_ code: String) {
        let scalars = code.unicodeScalars
        guard scalars.count == 3, scalars.allSatisfy({ $0.value >= 65 && $0.value <= 90 }) else { return nil }
        self.code = code
    }

    /// How many digits the minor unit has (2 for CNY and USD, 0 for JPY and KRW, 3 for KWD).
    public var minorUnitDigits: Int {
        Self.exceptions[self.code] ?? 2
    }

    public var description: String { self.code }

    // ISO 4217 currencies whose minor unit is not two digits.
    private static let exceptions: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
        "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
        "XPF": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]
}
