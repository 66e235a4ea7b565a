import Foundation

// The API and the store both count time in microseconds since the Unix epoch (UTC).
extension Date {
    /// Microseconds since the Unix epoch.
    var micros: Int64 {
        Int64((self.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The instant `micros` microseconds after the Unix epoch.
    init(micros: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)
    }
}
