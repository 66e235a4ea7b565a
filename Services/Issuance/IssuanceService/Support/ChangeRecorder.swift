import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

/// Writes what every change leaves behind, inside the change's own write: an outbox event (a
/// `Voucherd_V1_DomainEvent`) for analytics and an entry in the hash-chained audit log.
struct ChangeRecorder: Sendable {
    let environment: IssuanceEnvironment

    /// Records a change.
    /// - Parameters:
    ///   - type: the event type, such as `issuance.campaign.created`.
    ///   - subject: the id of what changed.
    ///   - actor: the principal's subject, or `system`.
    ///   - attributes: low-cardinality facts; never personal data.
    ///   - note: free text for the audit log only (an operator's reason), never in the event.
    ///   - now: when it happened.
    ///   - db: the write's connection.
    func record(
        _ type: String, subject: String, actor: String, attributes: [String: String] = [:],
        note: String = "", now: Date, in db: Database
    ) throws {
        var event = Voucherd_V1_DomainEvent()
        event.type = type
        event.subjectID = subject
        event.actor = actor
        event.occurredAtMicros = now.micros
        event.attributes = attributes
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let payload: Data = try event.serializedBytes(options: options)
        try self.environment.outbox.append(
            producer: IssuanceEnvironment.producer, type: type, payload: payload, now: now, in: db)
        var details = payload
        if !note.isEmpty {
            event.attributes["note"] = note
            details = try event.serializedBytes(options: options)
        }
        try self.environment.audit.append(actor: actor, action: type, subject: subject, details: details, now: now, in: db)
    }
}
