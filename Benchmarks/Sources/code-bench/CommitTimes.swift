import CoreMetrics
import Synchronization

/// Every duration the store's group-commit writer reports for a transaction: how long each batch
/// held the writer, from BEGIN to the end of COMMIT (fsync included).
///
/// The writer reports through swift-metrics only, so the bench installs this as the process's
/// metrics backend; everything else goes nowhere.
final class CommitTimes: MetricsFactory, Sendable {
    static let label = "voucherd_store_commit_duration"

    private let timer = Timer()

    /// Empties the list, returning what it held (nanoseconds, in the order committed).
    func take() -> [Int64] {
        self.timer.durations.withLock { durations in
            defer { durations = [] }
            return durations
        }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        NOOPMetricsHandler.instance
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        label == Self.label ? self.timer : NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Timer: TimerHandler, Sendable {
        let durations = Mutex<[Int64]>([])

        func recordNanoseconds(_ duration: Int64) {
            self.durations.withLock { $0.append(duration) }
        }
    }
}
