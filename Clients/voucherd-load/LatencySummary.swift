import Histogram

/// Count, rate and percentiles of one histogram, in milliseconds with microsecond precision.
struct LatencySummary: Codable, Sendable, Hashable {
    var count: Int
    /// Calls per second over the run's elapsed time.
    var perSecond: Double
    var meanMs: Double
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var p999Ms: Double
    var maxMs: Double

    init(_ histogram: Histogram<UInt64>, elapsedSeconds: Double) {
        let count = Int(histogram.totalCount)
        self.count = count
        self.perSecond = elapsedSeconds > 0 ? Double(count) / elapsedSeconds : 0
        guard count > 0 else {
            self.meanMs = 0
            self.p50Ms = 0
            self.p90Ms = 0
            self.p99Ms = 0
            self.p999Ms = 0
            self.maxMs = 0
            return
        }
        self.meanMs = histogram.mean / 1000
        self.p50Ms = Double(histogram.valueAtPercentile(50)) / 1000
        self.p90Ms = Double(histogram.valueAtPercentile(90)) / 1000
        self.p99Ms = Double(histogram.valueAtPercentile(99)) / 1000
        self.p999Ms = Double(histogram.valueAtPercentile(99.9)) / 1000
        self.maxMs = Double(histogram.max) / 1000
    }
}
