public import Foundation
public import Logging
public import VoucherdStore

/// What the identity service's modules share: the store and its writer, the clock, the
/// configuration and the logger. The executable builds one; tests build one on a temporary store.
public struct IdentityEnvironment: Sendable {
    /// The producer name of the service's outbox events and audit entries.
    public static let producer = "identity"

    /// The service's store, migrated with ``IdentitySchema/migrations``.
    public let store: VoucherdStore
    /// All writes go through it (group commit); its `run()` must be running.
    public let writer: GroupCommitWriter
    /// The service's policies.
    public let configuration: IdentityConfiguration
    /// Who is calling, by certificate: ReadOutbox admits only
    /// ``IdentityConfiguration/outboxReaders``.
    public let callers: any CallerIdentityResolver
    /// The wall clock; tests inject their own.
    public let now: @Sendable () -> Date
    /// For the service's own log lines (call context is added by the runtime).
    public let logger: Logger
    /// Idempotency records, stored with each request's changes.
    public let idempotency: IdempotencyStore
    /// The transactional outbox.
    public let outbox = Outbox()
    /// The hash-chained audit log.
    public let audit = AuditLog()

    /// Creates an environment.
    /// - Parameters:
    ///   - store: the migrated store.
    ///   - writer: the store's group-commit writer.
    ///   - configuration: the service's policies.
    ///   - callers: the certificate identity of a call; the default knows none (ReadOutbox
    ///     then refuses everyone).
    ///   - logger: the service's logger.
    ///   - now: the clock.
    public init(
        store: VoucherdStore,
        writer: GroupCommitWriter,
        configuration: IdentityConfiguration = IdentityConfiguration(),
        callers: any CallerIdentityResolver = NoCallerIdentity(),
        logger: Logger = Logger(label: "voucherd.identity"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.writer = writer
        self.configuration = configuration
        self.callers = callers
        self.logger = logger
        self.now = now
        self.idempotency = IdempotencyStore()
    }
}
