import Synchronization

/// Who may hold a stored claim of a campaign, so that a sold-out flash sale's losers are answered
/// without reading the store.
///
/// A sold-out claim must still look for a stored answer under its idempotency key, because a
/// retry of a claim that won gets its coupon (invariant 4). Such an answer exists only for a
/// consumer who was issued a coupon of the campaign. Every issue counts one in `claim_counters`,
/// whose rows are never deleted, and every winning claim reports itself here after its commit
/// (``noteIssued(_:consumerID:)``). So the set, read once per campaign and kept up to date, holds
/// every consumer with a stored claim answered so far, and a consumer outside it is refused
/// without the lookup. (A retry that races its own original, before that one is answered, may be
/// told "sold out" while the original wins, as it could be before.)
///
/// The set holds 64-bit hashes of consumer ids, not the ids: a collision only sends a loser to
/// the lookup it would have made anyway, never the other way. A key reused by a consumer outside
/// the set for a different request is refused as sold out rather than as a key conflict; the
/// key's stored answer is untouched.
final class SoldOutClaimants: Sendable {
    /// What the index knows about a consumer and a sold-out campaign.
    enum Answer: Sendable, Hashable {
        /// Never issued a coupon of the campaign: it has no stored claim to return.
        case never
        /// Issued one (or a hash collision): look up the stored answer.
        case holder
        /// The campaign's set is not loaded; the caller that gets this token loads it.
        case load(LoadToken)
        /// Another caller is loading the set, or the campaign has too many claimants to keep.
        case unknown
    }

    /// A load in progress; finishing it with a stale token does nothing.
    struct LoadToken: Sendable, Hashable {
        let campaignID: String
        let generation: UInt64
    }

    private enum Entry {
        /// Being read; winners noted meanwhile wait in `pending`.
        case loading(generation: UInt64, pending: Set<Int>)
        case loaded(Set<Int>)
        /// More claimants than ``maximumClaimants``: every loser is looked up.
        case tooLarge
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Loaded campaigns, least recently used first, for eviction.
        var recency: [String] = []
        var nextGeneration: UInt64 = 1
        var loadedCount = 0
    }

    /// The most claimants kept for one campaign (11–21 bytes each in a set, with a transient
    /// array of their ids while loading).
    let maximumClaimants: Int
    /// The most campaigns kept; the least recently used goes first.
    let maximumCampaigns: Int
    /// The most claimants kept over all campaigns (45–85 MB at the default), checked when a set
    /// is loaded; the least recently used campaigns go first.
    let maximumTotal: Int
    private let state = Mutex(State())

    init(maximumClaimants: Int = 1_000_000, maximumCampaigns: Int = 16, maximumTotal: Int = 4_000_000) {
        self.maximumClaimants = maximumClaimants
        self.maximumCampaigns = maximumCampaigns
        self.maximumTotal = maximumTotal
    }

    /// Whether the consumer may hold a stored claim answer for the sold-out campaign.
    func answer(_ campaignID: String, consumerID: String) -> Answer {
        self.state.withLock { state in
            switch state.entries[campaignID] {
            case .loaded(let hashes):
                Self.touch(campaignID, in: &state)
                return hashes.contains(consumerID.hashValue) ? .holder : .never
            case .loading, .tooLarge:
                return .unknown
            case nil:
                let generation = state.nextGeneration
                state.nextGeneration += 1
                state.entries[campaignID] = .loading(generation: generation, pending: [])
                return .load(LoadToken(campaignID: campaignID, generation: generation))
            }
        }
    }

    /// Stores the claimants read after ``answer(_:consumerID:)`` handed out `token`.
    /// - Parameters:
    ///   - consumerIDs: every consumer with a counter row, or nil when the read failed. More than
    ///     ``maximumClaimants`` (a partial read) marks the campaign as always looked up.
    ///   - asking: the consumer whose claim started the load.
    /// - Returns: whether `asking` provably was never issued a coupon (``Answer/never``).
    @discardableResult
    func finish(_ token: LoadToken, consumerIDs: [String]?, asking: String) -> Bool {
        // Hashed outside the lock: a million ids take milliseconds, and every loop asks here.
        let complete = consumerIDs.flatMap { $0.count <= self.maximumClaimants ? $0 : nil }
        let hashes = complete.map { Set($0.lazy.map(\.hashValue)) }
        return self.state.withLock { state -> Bool in
            guard case .loading(let generation, let pending) = state.entries[token.campaignID],
                generation == token.generation
            else {
                return false  // forgotten (or evicted) meanwhile
            }
            guard consumerIDs != nil else {
                state.entries[token.campaignID] = nil
                return false
            }
            guard let hashes else {
                state.entries[token.campaignID] = .tooLarge
                return false
            }
            let loaded = hashes.union(pending)
            state.entries[token.campaignID] = .loaded(loaded)
            state.recency.append(token.campaignID)
            state.loadedCount += 1
            while state.recency.count > 1,
                state.recency.count > self.maximumCampaigns || Self.total(state) > self.maximumTotal
            {
                let evicted = state.recency.removeFirst()
                state.entries[evicted] = nil
            }
            return !loaded.contains(asking.hashValue)
        }
    }

    /// Adds a consumer whose claim of the campaign was just committed. Call it after the commit:
    /// a set read later sees the counter row, one read earlier gets the consumer from here.
    func noteIssued(_ campaignID: String, consumerID: String) {
        self.state.withLock { state in
            switch state.entries[campaignID] {
            case .loaded(var hashes):
                state.entries[campaignID] = nil  // keeps the set uniquely referenced while it grows
                hashes.insert(consumerID.hashValue)
                state.entries[campaignID] = .loaded(hashes)
            case .loading(let generation, var pending):
                pending.insert(consumerID.hashValue)
                state.entries[campaignID] = .loading(generation: generation, pending: pending)
            case .tooLarge, nil:
                break
            }
        }
    }

    /// Forgets a campaign whose stock changed, to keep memory for campaigns that are sold out.
    func forget(_ campaignID: String) {
        self.state.withLock { state in
            state.entries[campaignID] = nil
            state.recency.removeAll { $0 == campaignID }
        }
    }

    /// How many sets were loaded, for tests.
    var loads: Int { self.state.withLock { $0.loadedCount } }

    private static func total(_ state: State) -> Int {
        state.recency.reduce(0) { sum, campaignID in
            guard case .loaded(let hashes) = state.entries[campaignID] else { return sum }
            return sum + hashes.count
        }
    }

    private static func touch(_ campaignID: String, in state: inout State) {
        guard state.recency.last != campaignID, let index = state.recency.firstIndex(of: campaignID) else { return }
        state.recency.remove(at: index)
        state.recency.append(campaignID)
    }
}
