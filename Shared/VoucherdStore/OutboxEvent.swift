public import Foundation

/// One event recorded in the outbox, numbered without gaps within its producer.
public struct OutboxEvent: Sendable, Equatable, Hashable {
    /// The service (or component) that produced the event.
    public let producer: String
    /// 1, 2, 3… per producer, in commit order.
    public let sequence: UInt64
    /// The event type, e.g. `voucher.issued`.
    public let type: String
    /// The serialized event.
    public let payload: Data
    /// When the event was appended (UTC, microsecond precision).
    public let createdAt: Date

    /// Creates an event value (the outbox creates them; tests and destinations may too).
    public init(producer: String, sequence: UInt64, type: String, payload: Data, createdAt: Date) {
        self.producer = producer
        self.sequence = sequence
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
    }
}

/// How far an ``OutboxRelay``'s destination is behind the outbox.
public struct OutboxLag: Sendable, Equatable {
    /// Events appended but not yet acknowledged.
    public let events: UInt64
    /// Age of the oldest unacknowledged event, 0 when there is none.
    public let seconds: Double

    /// Creates a lag value.
    public init(events: UInt64, seconds: Double) {
        self.events = events
        self.seconds = seconds
    }
}

/// Where an ``OutboxRelay`` ships events (a message broker, another service, a test fake).
///
/// Destinations must be idempotent by (producer, sequence): after a crash between delivery and
/// recording the acknowledgement, the relay sends the same events again.
public protocol OutboxDestination: Sendable {
    /// Delivers `events` (consecutive sequences of one producer, ascending).
    ///
    /// - Returns: The highest sequence the destination has durably accepted; the relay
    ///   resumes after it. Returning less than the last event's sequence is allowed (partial
    ///   acceptance); returning no progress at all counts as a failure and is retried.
    func deliver(_ events: [OutboxEvent]) async throws -> UInt64
}
