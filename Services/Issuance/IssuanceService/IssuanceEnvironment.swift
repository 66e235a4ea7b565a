public import Foundation
public import Logging
public import VoucherdStore

/// What the issuance service's parts share: the store and its writer, its peers, the clock, the
/// configuration and the logger.
public struct IssuanceEnvironment: Sendable {
    /// The producer name of the service's outbox events and audit entries.
    public static let producer = "issuance"

    /// The service's store, migrated with ``IssuanceSchema/migrations``.
    public let store: VoucherdStore
    /// All writes go through it (group commit); its `run()` must be running.
    public let writer: GroupCommitWriter
    /// The other services issuance calls (identity), behind narrow protocols.
    public let peers: IssuancePeers
    /// The service's policies.
    public let configuration: IssuanceConfiguration
    /// Who is calling, by certificate: checkout methods admit only
    /// ``IssuanceConfiguration/checkoutCallers``.
    public let callers: any CallerIdentityResolver
    /// The wall clock; tests inject their own.
    public let now: @Sendable () -> Date
    /// For the service's own log lines.
    public let logger: Logger
    /// Idempotency records, stored with each request's changes.
    public let idempotency = IdempotencyStore()
    /// The transactional outbox.
    public let outbox = Outbox()
    /// The hash-chained audit log.
    public let audit = AuditLog()

    /// Creates an environment.
    public init(
        store: VoucherdStore,
        writer: GroupCommitWriter,
        peers: IssuancePeers,
        configuration: IssuanceConfiguration = IssuanceConfiguration(),
        callers: any CallerIdentityResolver = NoCallerIdentity(),
        logger: Logger = Logger(label: "voucherd.issuance"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.writer = writer
        self.peers = peers
        self.configuration = configuration
        self.callers = callers
        self.logger = logger
        self.now = now
    }
}
