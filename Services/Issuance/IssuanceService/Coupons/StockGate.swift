import Synchronization

/// Answers flash-sale losers at once, without queueing them for the writer.
///
/// Per campaign it keeps the inventory and issued count last seen in the store, and the claims
/// admitted but not yet answered (in flight). A claim is admitted while
/// `inventory − issued − inFlight > 0`. When every remaining coupon is reserved by an in-flight
/// claim, the next claim waits here — not in the writer's queue — for one of them to settle: a
/// failed claim hands its reservation to the first waiter, and once the store reports that
/// nothing remains (`issued == inventory`) every waiter, and every later claim, is refused at
/// once. So a sold-out campaign costs no writes, and a reservation that fails (a per-user limit,
/// a budget) does not turn into a false "sold out".
///
/// The counts only ever rise (issued coupons never return to stock, inventory only grows once a
/// campaign is active), so observations arriving out of order merge by maximum. The gate is an
/// optimisation: the `CHECK (issued <= inventory)` in the store stays the final guard, and a
/// gate that admits too many only costs a failed savepoint. ``reset(_:)`` forgets a campaign
/// (after its inventory changed); tickets from before carry an older generation and are ignored.
final class StockGate: Sendable {
    /// A reservation, to be settled exactly once.
    struct Ticket: Sendable, Hashable {
        let campaignID: String
        let generation: UInt64
    }

    /// What the store says about a campaign's stock.
    struct Level: Sendable, Hashable {
        var inventory: Int64
        var issued: Int64
    }

    /// The gate's answer to a claim.
    enum Admission: Sendable, Hashable {
        /// Go ahead to the writer; settle the ticket afterwards.
        case admitted(Ticket)
        /// Nothing left: refuse.
        case soldOut
        /// The gate does not know the campaign: ``load(_:level:readAfter:)`` it and ask again.
        case unknown
    }

    private struct Entry {
        var generation: UInt64
        var level: Level
        var inFlight: Int64 = 0
        var waiters: [CheckedContinuation<Admission, Never>] = []
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var nextGeneration: UInt64 = 1
        var refusals = 0
        /// Bumped by every ``reset(_:)``: a level read before a reset may be from before the
        /// inventory changed, and must not create an entry after it.
        var resets: UInt64 = 0
    }

    private let state = Mutex(State())

    /// How many claims the gate refused as sold out, for tests and metrics.
    var refusals: Int { self.state.withLock { $0.refusals } }

    /// Reserves one coupon of a campaign, waiting while the rest are reserved by claims in flight.
    func admit(_ campaignID: String) async -> Admission {
        await withCheckedContinuation { (continuation: CheckedContinuation<Admission, Never>) in
            let answer: Admission? = self.state.withLock { state in
                guard var entry = state.entries[campaignID] else { return .unknown }
                let remaining = entry.level.inventory - entry.level.issued
                if remaining <= 0 {
                    state.refusals += 1
                    return .soldOut
                }
                if remaining - entry.inFlight > 0 {
                    entry.inFlight += 1
                    state.entries[campaignID] = entry
                    return .admitted(Ticket(campaignID: campaignID, generation: entry.generation))
                }
                entry.waiters.append(continuation)
                state.entries[campaignID] = entry
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Call before reading a level to ``load(_:level:readAfter:)``.
    func readStarting() -> UInt64 {
        self.state.withLock { $0.resets }
    }

    /// Tells the gate a campaign's stock as read from the store (creating its entry if needed).
    /// - Parameter readAfter: what ``readStarting()`` said before the read; when some campaign
    ///   was reset since, the level may predate an inventory change and is dropped (the caller
    ///   asks again). Nil only in tests.
    func load(_ campaignID: String, level: Level, readAfter resets: UInt64? = nil) {
        self.update(campaignID, create: true, unlessResetSince: resets) { _, _ in level }
    }

    /// Settles a reservation.
    /// - Parameters:
    ///   - ticket: the reservation.
    ///   - level: the stock the claim's write saw, if it saw any (after its own coupon).
    func settle(_ ticket: Ticket, level: Level?) {
        self.update(ticket.campaignID, create: false) { entry, generation in
            if generation == ticket.generation { entry.inFlight = max(0, entry.inFlight - 1) }
            return level
        }
    }

    /// Tells the gate about stock a write without a ticket consumed (a grant).
    func observe(_ campaignID: String, level: Level) {
        self.update(campaignID, create: false) { _, _ in level }
    }

    /// Forgets a campaign: its next claim reloads the stock from the store. Waiters ask again.
    func reset(_ campaignID: String) {
        let waiters = self.state.withLock { state in
            state.resets += 1
            return state.entries.removeValue(forKey: campaignID)?.waiters ?? []
        }
        for waiter in waiters { waiter.resume(returning: .unknown) }
    }

    private func update(
        _ campaignID: String, create: Bool, unlessResetSince resets: UInt64? = nil,
        _ change: (inout Entry, UInt64) -> Level?
    ) {
        let wakeUps: [(CheckedContinuation<Admission, Never>, Admission)] = self.state.withLock { state in
            if let resets, resets != state.resets { return [] }
            var entry: Entry
            if let existing = state.entries[campaignID] {
                entry = existing
            } else {
                guard create else { return [] }
                entry = Entry(generation: state.nextGeneration, level: Level(inventory: 0, issued: 0))
                state.nextGeneration += 1
            }
            if let level = change(&entry, entry.generation) {
                entry.level.inventory = max(entry.level.inventory, level.inventory)
                entry.level.issued = max(entry.level.issued, level.issued)
            }
            var wakeUps: [(CheckedContinuation<Admission, Never>, Admission)] = []
            let remaining = entry.level.inventory - entry.level.issued
            if remaining <= 0 {
                state.refusals += entry.waiters.count
                wakeUps = entry.waiters.map { ($0, .soldOut) }
                entry.waiters = []
            } else {
                while remaining - entry.inFlight > 0, !entry.waiters.isEmpty {
                    entry.inFlight += 1
                    let ticket = Ticket(campaignID: campaignID, generation: entry.generation)
                    wakeUps.append((entry.waiters.removeFirst(), .admitted(ticket)))
                }
            }
            state.entries[campaignID] = entry
            return wakeUps
        }
        for (waiter, admission) in wakeUps { waiter.resume(returning: admission) }
    }
}

extension StockGate {
    /// Claims waiting for a reservation of a campaign, for tests.
    func waiterCount(_ campaignID: String) -> Int {
        self.state.withLock { $0.entries[campaignID]?.waiters.count ?? 0 }
    }
}
