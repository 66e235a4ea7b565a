public import Foundation

/// Days of the week and times of day when a coupon may be redeemed (or a campaign claimed), in
/// the merchant's time zone: "weekdays 14:00–17:00" for afternoon tea, "weekends 10:00–20:00".
///
/// An empty `days` set means every day; an empty `times` list means all day. A time range whose
/// end is before its start runs past midnight (22:00–02:00) and belongs to the day it starts on.
public struct UsageWindow: Sendable, Hashable, Codable {
    /// ISO weekdays: 1 is Monday, 7 is Sunday.
    public var days: Set<Int>
    /// Times of day, as minutes after midnight.
    public var times: [MinuteRange]
    /// The merchant's time zone, an IANA identifier such as `Asia/Shanghai`.
    public var timeZoneIdentifier: String

    /// A range of minutes after midnight, `[start, end)`; `end` may be less than `start`.
    public struct MinuteRange: Sendable, Hashable, Codable {
        /// 0 to 1439.
        public var start: Int
        /// 0 to 1440; 1440 means midnight at the end of the day.
        public var end: Int

        /// Creates a range.
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    /// A window open all the time, in a time zone.
    public init(days: Set<Int> = [], times: [MinuteRange] = [], timeZoneIdentifier: String) {
        self.days = days
        self.times = times
        self.timeZoneIdentifier = timeZoneIdentifier
    }

    /// Checks the window's own fields.
    /// - Returns: nil when valid, else which field is wrong and why.
    public func validationError() -> String? {
        if TimeZone(identifier: self.timeZoneIdentifier) == nil { return "time_zone: unknown time zone '\(self.timeZoneIdentifier)'" }
        if !self.days.allSatisfy({ (1...7).contains($0) }) { return "days: weekdays are 1 (Monday) to 7 (Sunday)" }
        for range in self.times {
            guard (0...1439).contains(range.start), (0...1440).contains(range.end), range.start != range.end else {
                return "times: each range needs start in 0...1439, end in 0...1440, and start != end"
            }
        }
        return nil
    }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        guard let zone = TimeZone(identifier: self.timeZoneIdentifier) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let isoDay = weekday == 1 ? 7 : weekday - 1
        let previousDay = isoDay == 1 ? 7 : isoDay - 1
        let now = hour * 60 + minute
        if self.times.isEmpty { return self.allows(isoDay) }
        for range in self.times {
            if range.start < range.end {
                if self.allows(isoDay), range.start <= now, now < range.end { return true }
            } else {
                // Past midnight: the evening part belongs to today, the morning part to yesterday.
                if self.allows(isoDay), now >= range.start { return true }
                if self.allows(previousDay), now < range.end { return true }
            }
        }
        return false
    }

    private func allows(_ isoDay: Int) -> Bool {
        self.days.isEmpty || self.days.contains(isoDay)
    }
}
