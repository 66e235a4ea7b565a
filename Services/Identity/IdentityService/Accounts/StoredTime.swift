import Foundation

/// Microseconds since the Unix epoch (UTC), the store's and the API's time unit.
enum StoredTime {
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)
    }

    static func micros(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(micros(duration)) / 1_000_000
    }
}
