public import Foundation
import GRDB
import Logging
import Metrics

/// Ships one producer's outbox events to an ``OutboxDestination`` and remembers, in the table
/// `store_outbox_relay`, the highest sequence the destination acknowledged — so a new relay on
/// the same store (after a restart) resumes from there.
///
/// The owner runs ``run()`` in a structured task; cancelling that task stops it.
/// ``deliverPending()`` is a single pass, for tests and for a last flush at shutdown.
///
/// Metrics: gauges `voucherd_store_outbox_lag_events` and `voucherd_store_outbox_lag_seconds`
/// with dimensions `producer` and `destination`, updated after every pass.
public final class OutboxRelay: Sendable {
    /// Tuning for an ``OutboxRelay``.
    public struct Configuration: Sendable {
        /// Events per delivery. Default 100.
        public var batchSize: Int
        /// How long ``OutboxRelay/run()`` sleeps when nothing is pending. Default 200 ms.
        public var pollInterval: Duration
        /// First retry delay after a failure; doubles per consecutive failure. Default 100 ms.
        public var initialBackoff: Duration
        /// Upper bound of the retry delay. Default 30 s.
        public var maximumBackoff: Duration

        /// Creates a configuration with the documented defaults.
        public init() {
            batchSize = 100
            pollInterval = .milliseconds(200)
            initialBackoff = .milliseconds(100)
            maximumBackoff = .seconds(30)
        }
    }

    /// Why a pass stopped.
    public enum RelayError: Error, Equatable, Sendable {
        /// The destination acknowledged nothing beyond what it had already acknowledged.
        case destinationMadeNoProgress(acknowledged: UInt64)
    }

    /// The producer whose events this relay ships.
    public let producer: String
    /// The name under which the acknowledged position is recorded.
    public let destinationName: String
    /// The relay's tuning.
    public let configuration: Configuration
    private let pool: DatabasePool
    private let destination: any OutboxDestination
    private let logger: Logger
    private let outbox = Outbox()
    private let lagEventsGauge: Gauge
    private let lagSecondsGauge: Gauge

    /// Creates a relay.
    ///
    /// - Parameters:
    ///   - store: The store holding the outbox.
    ///   - producer: Whose events to ship.
    ///   - destinationName: Identifies the destination's position row; keep it stable across
    ///     restarts.
    ///   - destination: Where events go.
    ///   - configuration: Batch size, polling and backoff.
    public init(
        store: VoucherdStore,
        producer: String,
        destinationName: String,
        destination: any OutboxDestination,
        configuration: Configuration = Configuration()
    ) {
        self.pool = store.pool
        self.logger = store.configuration.logger
        self.producer = producer
        self.destinationName = destinationName
        self.destination = destination
        self.configuration = configuration
        let dimensions = [("producer", producer), ("destination", destinationName)]
        lagEventsGauge = Gauge(label: "voucherd_store_outbox_lag_events", dimensions: dimensions)
        lagSecondsGauge = Gauge(label: "voucherd_store_outbox_lag_seconds", dimensions: dimensions)
    }

    /// The highest sequence the destination has acknowledged, 0 before the first delivery.
    public func acknowledgedSequence() async throws -> UInt64 {
        try await pool.read { [producer, destinationName] db in
            try Self.position(producer: producer, destination: destinationName, in: db)
        }
    }

    /// How far the destination is behind; also published to the lag gauges.
    public func lag(now: Date = Date()) async throws -> OutboxLag {
        let lag = try await pool.read { [producer, destinationName, outbox] db in
            let acknowledged = try Self.position(
                producer: producer, destination: destinationName, in: db)
            let last = try outbox.lastSequence(producer: producer, in: db)
            let oldest = try outbox.events(producer: producer, after: acknowledged, limit: 1, in: db)
            let seconds = oldest.first.map { max(0, now.timeIntervalSince($0.createdAt)) } ?? 0
            return OutboxLag(events: last > acknowledged ? last - acknowledged : 0, seconds: seconds)
        }
        lagEventsGauge.record(Int64(clamping: lag.events))
        lagSecondsGauge.record(lag.seconds)
        return lag
    }

    /// Delivers every pending event, batch by batch, recording each acknowledgement.
    ///
    /// - Returns: How many events were newly acknowledged.
    /// - Throws: The destination's error, ``RelayError``, or a database error; what was
    ///   acknowledged before the failure stays recorded.
    @discardableResult
    public func deliverPending() async throws -> Int {
        var delivered: UInt64 = 0
        while true {
            let (position, events) = try await pool.read {
                [producer, destinationName, outbox, configuration] db in
                let position = try Self.position(
                    producer: producer, destination: destinationName, in: db)
                let events = try outbox.events(
                    producer: producer, after: position, limit: configuration.batchSize, in: db)
                return (position, events)
            }
            guard let last = events.last?.sequence else { break }
            let reported = try await destination.deliver(events)
            // An acknowledgement beyond what was sent cannot be trusted to cover events the
            // destination never saw in this batch; clamping only costs a harmless redelivery.
            let acknowledged = min(reported, last)
            guard acknowledged > position else {
                throw RelayError.destinationMadeNoProgress(acknowledged: reported)
            }
            try await record(acknowledged)
            delivered += acknowledged - position
        }
        _ = try await lag()
        return Int(clamping: delivered)
    }

    /// Relays until the surrounding task is cancelled: delivers pending events, sleeps
    /// ``Configuration/pollInterval`` when idle, and after a failure waits an exponentially
    /// growing delay with jitter (between half and all of the current backoff).
    public func run() async throws {
        var backoff = configuration.initialBackoff
        while !Task.isCancelled {
            do {
                let delivered = try await deliverPending()
                backoff = configuration.initialBackoff
                if delivered == 0 {
                    try await Task.sleep(for: configuration.pollInterval)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning(
                    "outbox delivery failed",
                    metadata: [
                        "producer": "\(producer)", "destination": "\(destinationName)",
                        "error": "\(error)", "retry_in": "\(backoff)",
                    ])
                // Keep the lag gauges moving while the destination is down.
                _ = try? await lag()
                do {
                    try await Task.sleep(for: backoff * Double.random(in: 0.5...1.0))
                } catch {
                    return
                }
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
    }

    private func record(_ acknowledged: UInt64) async throws {
        let now = StoreTime.microseconds(Date())
        try await pool.write { [producer, destinationName] db in
            // Never move backwards, even if two relays race on the same row.
            try db.execute(
                sql: """
                    INSERT INTO store_outbox_relay
                        (producer, destination, acknowledged_sequence, updated_at_us)
                    VALUES (?, ?, ?, ?)
                    ON CONFLICT (producer, destination) DO UPDATE SET
                        acknowledged_sequence = excluded.acknowledged_sequence,
                        updated_at_us = excluded.updated_at_us
                    WHERE excluded.acknowledged_sequence > acknowledged_sequence
                    """,
                arguments: [producer, destinationName, Int64(clamping: acknowledged), now])
        }
    }

    private static func position(producer: String, destination: String, in db: Database) throws -> UInt64 {
        let value = try Int64.fetchOne(
            db,
            sql: """
                SELECT acknowledged_sequence FROM store_outbox_relay
                WHERE producer = ? AND destination = ?
                """,
            arguments: [producer, destination])
        return UInt64(max(0, value ?? 0))
    }
}
