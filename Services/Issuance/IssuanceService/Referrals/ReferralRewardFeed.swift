import Foundation
import GRDB
public import GRPCCore
public import Logging
import Metrics
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

/// Pulls identity's referral reward commands and grants each reward once.
///
/// Issuance pulls rather than identity pushing, so identity needs no address of issuance and the
/// services start in dependency order (ARCHITECTURE.md, "Changes from DESIGN.md"). The feed's
/// position is identity's outbox sequence, kept in `feed_positions` (source ``sourceName``).
///
/// What each command's outcome does to the position:
/// - granted: advances past it, in the same transaction as the grant;
/// - INVALID_ARGUMENT (a malformed command): logged as an error, counted in
///   `voucherd_issuance_referral_rewards_refused_total`, advanced past — it can never succeed,
///   and holding it would stall every reward behind it;
/// - FAILED_PRECONDITION, RESOURCE_EXHAUSTED, NOT_FOUND (no referral campaign configured, the
///   campaign paused, ended or sold out): the reward is owed, so the feed does not advance. It
///   logs a warning once per position, sets `voucherd_issuance_referral_feed_blocked` to 1 and
///   retries with backoff until an operator fixes the campaign;
/// - anything else (identity unreachable, a store error): retried with backoff.
///
/// Re-applying a command is harmless: grants are idempotent by `command_id`, so even a feed that
/// lost its position (a restored store) grants nothing twice within the idempotency records'
/// lifetime; and since the position moves in the grant's own transaction, a crash between the two
/// cannot happen at all.
public actor ReferralRewardFeed {
    /// The outbox type of identity's referral reward commands.
    public static let commandType = "issuance.grant_referral_reward"
    /// The `feed_positions` row of this feed.
    public static let sourceName = "identity.referral-rewards"

    /// Tuning; the defaults are what the executable runs with.
    public struct Configuration: Sendable {
        /// Records per ReadOutbox call. Default 100.
        public var pageSize: UInt32 = 100
        /// How long to wait when caught up. Default 1 s.
        public var pollInterval: Duration = .seconds(1)
        /// First retry delay when blocked or failing; doubles each time. Default 1 s.
        public var initialBackoff: Duration = .seconds(1)
        /// The longest retry delay. Default 30 s.
        public var maximumBackoff: Duration = .seconds(30)

        /// The defaults.
        public init() {}
    }

    /// What one ``pass()`` ended with, which decides when the next one runs.
    public enum PassResult: Sendable, Equatable {
        /// Caught up: poll again after ``Configuration/pollInterval``.
        case idle
        /// A full page (or a partly scanned outbox): read again at once.
        case more
        /// A reward is owed but cannot be granted now (the status code says why): back off.
        case blocked(sequence: UInt64, code: RPCError.Code)
        /// Identity or the store failed: back off.
        case failed
    }

    /// Where the feed stands, for tests and the gauges.
    public struct Status: Sendable, Equatable {
        /// The last identity sequence handled.
        public var position: UInt64 = 0
        /// Identity's newest sequence, as of the last successful read.
        public var lastSequence: UInt64 = 0
        /// The sequence of the command that is owed but cannot be granted, if any.
        public var blockedAt: UInt64?
        /// Rewards granted by this feed since it started.
        public var granted = 0
        /// Commands refused (passed over) by this feed since it started.
        public var refused = 0
    }

    private let service: IssuanceService
    private let source: any ReferralCommandSource
    private let configuration: Configuration
    private let logger: Logger
    public private(set) var status = Status()
    /// The position last warned about, so a blocked command logs one warning, not one per retry.
    private var warnedAt: UInt64?

    private let refusedCounter = Counter(label: "voucherd_issuance_referral_rewards_refused_total")
    private let grantedCounter = Counter(label: "voucherd_issuance_referral_rewards_granted_total")
    private let blockedGauge = Gauge(label: "voucherd_issuance_referral_feed_blocked")
    private let lagGauge = Gauge(label: "voucherd_issuance_referral_feed_lag_events")
    private let positionGauge = Gauge(label: "voucherd_issuance_referral_feed_position")

    /// Creates a feed; nothing runs until ``run()`` or ``pass()``.
    public init(
        service: IssuanceService, source: any ReferralCommandSource, configuration: Configuration = Configuration(),
        logger: Logger? = nil
    ) {
        self.service = service
        self.source = source
        self.configuration = configuration
        self.logger = logger ?? service.environment.logger
    }

    /// Polls until the surrounding task is cancelled: at once after a full page, every
    /// ``Configuration/pollInterval`` when caught up, and with doubling backoff (with jitter,
    /// up to ``Configuration/maximumBackoff``) while blocked or failing.
    public func run() async {
        var backoff = self.configuration.initialBackoff
        while !Task.isCancelled {
            let delay: Duration
            switch await self.pass() {
            case .more:
                backoff = self.configuration.initialBackoff
                continue
            case .idle:
                backoff = self.configuration.initialBackoff
                delay = self.configuration.pollInterval
            case .blocked, .failed:
                delay = backoff * Double.random(in: 0.5...1.0)
                backoff = min(backoff * 2, self.configuration.maximumBackoff)
            }
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
        }
    }

    /// Reads one page after the stored position and handles its commands in order.
    public func pass() async -> PassResult {
        let position: UInt64
        do {
            position = try await self.service.environment.store.pool.read { db in
                try FeedPositionRepository.position(of: Self.sourceName, in: db)
            }
        } catch {
            self.logger.error("referral feed: cannot read its position", metadata: ["error": "\(error)"])
            return .failed
        }
        self.status.position = position
        let page: Voucherd_V1_ReadOutboxResponse
        do {
            page = try await self.source.read(after: position, limit: self.configuration.pageSize)
        } catch is CancellationError {
            return .failed
        } catch {
            self.logger.warning("referral feed: cannot read identity's outbox; retrying", metadata: ["error": "\(error)"])
            return .failed
        }
        self.status.lastSequence = page.lastSequence
        for record in page.records where record.sequence > self.status.position {
            if let stop = await self.handle(record) {
                self.publishGauges()
                return stop
            }
        }
        // Everything up to scanned_through was examined; what the filter dropped is not ours.
        if page.scannedThrough > self.status.position {
            do {
                try await self.advance(to: page.scannedThrough)
            } catch {
                self.logger.error("referral feed: cannot record its position", metadata: ["error": "\(error)"])
                return .failed
            }
        }
        self.publishGauges()
        let full = page.records.count >= Int(self.configuration.pageSize)
        return full || page.scannedThrough < page.lastSequence ? .more : .idle
    }

    /// Handles one record; returns why the pass must stop, or nil to go on.
    private func handle(_ record: Voucherd_V1_OutboxRecord) async -> PassResult? {
        let command: Voucherd_V1_ReferralRewardCommand
        do {
            guard record.type == Self.commandType else {
                throw IssuanceError.invalidArgument(field: "type", reason: "'\(record.type)' is not a referral reward command")
            }
            command = try Voucherd_V1_ReferralRewardCommand(serializedBytes: record.payload)
        } catch {
            return await self.refuse(record.sequence, reason: "\(error)")
        }
        do {
            let coupon = try await self.service.grantReferralReward(command, advancing: (Self.sourceName, record.sequence))
            // One line per reward: they are rare (one per `threshold` invitees) and worth tracing.
            self.logger.info(
                "referral feed: granted a referral reward",
                metadata: ["sequence": "\(record.sequence)", "command_id": "\(command.commandID)", "coupon_id": "\(coupon.couponID)"])
            self.status.position = record.sequence
            self.status.granted += 1
            self.grantedCounter.increment()
            if self.status.blockedAt != nil {
                self.logger.notice("referral feed: unblocked", metadata: ["sequence": "\(record.sequence)"])
                self.status.blockedAt = nil
            }
            return nil
        } catch {
            let code = Self.code(of: error)
            switch Self.disposition(of: code) {
            case .refuse:
                return await self.refuse(record.sequence, commandID: command.commandID, reason: "\(error)")
            case .owe:
                self.status.blockedAt = record.sequence
                if self.warnedAt != record.sequence {
                    self.warnedAt = record.sequence
                    self.logger.warning(
                        "referral feed: a reward is owed but cannot be granted; retrying until the referral campaign can issue",
                        metadata: [
                            "sequence": "\(record.sequence)", "command_id": "\(command.commandID)",
                            "consumer_id": "\(command.consumerID)", "code": "\(code)", "error": "\(error)",
                        ])
                }
                return .blocked(sequence: record.sequence, code: code)
            case .retry:
                self.logger.warning(
                    "referral feed: granting failed; retrying",
                    metadata: ["sequence": "\(record.sequence)", "code": "\(code)", "error": "\(error)"])
                return .failed
            }
        }
    }

    /// Passes over a command that can never be granted.
    private func refuse(_ sequence: UInt64, commandID: String = "", reason: String) async -> PassResult? {
        self.logger.error(
            "referral feed: refused a malformed referral reward command; passed over",
            metadata: ["sequence": "\(sequence)", "command_id": "\(commandID)", "error": "\(reason)"])
        self.refusedCounter.increment()
        self.status.refused += 1
        do {
            try await self.advance(to: sequence)
            return nil
        } catch {
            self.logger.error("referral feed: cannot record its position", metadata: ["error": "\(error)"])
            return .failed
        }
    }

    private func advance(to sequence: UInt64) async throws {
        let now = self.service.environment.now().micros
        try await self.service.environment.writer.write { db in
            try FeedPositionRepository.advance(Self.sourceName, to: sequence, now: now, in: db)
        }
        self.status.position = max(self.status.position, sequence)
    }

    /// After each pass that read identity: blocked (1/0), the position, and the lag in identity
    /// sequences (all of identity's outbox, not only referral commands).
    private func publishGauges() {
        self.blockedGauge.record(self.status.blockedAt == nil ? 0 : 1)
        self.positionGauge.record(Int64(clamping: self.status.position))
        let lag = self.status.lastSequence > self.status.position ? self.status.lastSequence - self.status.position : 0
        self.lagGauge.record(Int64(clamping: lag))
    }

    /// What to do about a grant that failed with `code`.
    enum Disposition: Equatable {
        /// The command itself is wrong: count it and pass over it.
        case refuse
        /// The reward is owed; the campaign cannot issue it now: hold the position.
        case owe
        /// Transient: retry.
        case retry
    }

    static func disposition(of code: RPCError.Code) -> Disposition {
        switch code {
        case .invalidArgument: .refuse
        case .failedPrecondition, .resourceExhausted, .notFound: .owe
        default: .retry
        }
    }

    private static func code(of error: any Error) -> RPCError.Code {
        if let error = error as? RPCError { return error.code }
        if let error = error as? any RPCErrorConvertible { return error.rpcErrorCode }
        return .unknown
    }
}
