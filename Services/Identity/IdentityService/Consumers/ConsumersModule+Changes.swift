import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

// What every change leaves behind, inside its own transaction: an audit entry and an outbox
// event. Neither may carry personal data: the audit chain cannot be edited, so an erasure could
// never remove it, and events leave the service.
extension ConsumersModule {
    /// Appends the audit entry and the domain event for one change.
    /// - Parameters:
    ///   - type: the event type, such as `identity.consumer.registered`; the audit action is the
    ///     same name without the `identity.` prefix.
    ///   - subject: the consumer (or entry) id that changed.
    ///   - actor: the principal's subject.
    ///   - attributes: low-cardinality facts, never personal data.
    ///   - auditDetails: extra facts for the audit entry only (still no personal data).
    func recordChange(
        _ type: String, subject: String, actor: String, attributes: [String: String],
        auditDetails: [String: String] = [:], at micros: Int64, in db: Database
    ) throws {
        let now = Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)
        var event = Voucherd_V1_DomainEvent()
        event.type = type
        event.subjectID = subject
        event.actor = actor
        event.occurredAtMicros = micros
        event.attributes = attributes
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let payload: Data = try event.serializedBytes(options: options)
        try environment.outbox.append(
            producer: IdentityEnvironment.producer, type: type, payload: payload, now: now, in: db)

        let details = attributes.merging(auditDetails) { _, extra in extra }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let action = type.hasPrefix("identity.") ? String(type.dropFirst("identity.".count)) : type
        try environment.audit.append(
            actor: actor, action: action, subject: subject, details: try encoder.encode(details), now: now, in: db)
    }

    /// Appends a command for another service (referral rewards for issuance) to the outbox.
    func appendCommand(_ type: String, payload: some SwiftProtobuf.Message, at micros: Int64, in db: Database) throws {
        let now = Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)
        let bytes: Data = try payload.serializedBytes()
        try environment.outbox.append(
            producer: IdentityEnvironment.producer, type: type, payload: bytes, now: now, in: db)
    }
}
