import VoucherdModel
import Crypto
import Foundation

/// A bounded map from token digest to the principal it proved, valid until the token expires.
///
/// Entries are evicted in insertion order: expired ones first as they reach the front, and when
/// the cache is full the oldest entry regardless. With uniform token lifetimes insertion order is
/// also expiry order, so this evicts expired entries before live ones.
struct VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        var principal: Principal
        var expiresAt: Date
    }

    let capacity: Int
    private var entries: [SHA256Digest: Entry] = [:]
    private var order: [SHA256Digest] = []
    private var orderStart = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { self.entries.count }

    /// The principal for a digest whose token has not expired at `now`.
    func lookup(_ digest: SHA256Digest, now: Date) -> Principal? {
        guard let entry = self.entries[digest] else { return nil }
        // Expired entries stay until they reach the front of the eviction order.
        guard now < entry.expiresAt else { return nil }
        return entry.principal
    }

    /// Remembers a verified token until `expiresAt`.
    mutating func insert(_ digest: SHA256Digest, principal: Principal, expiresAt: Date, now: Date) {
        guard now < expiresAt else { return }
        if self.entries[digest] == nil {
            self.evictExpiredFromFront(now: now)
            while self.entries.count >= self.capacity, self.popFront() {}
            self.order.append(digest)
        }
        self.entries[digest] = Entry(principal: principal, expiresAt: expiresAt)
        self.compactIfNeeded()
    }

    private mutating func evictExpiredFromFront(now: Date) {
        while self.orderStart < self.order.count {
            let digest = self.order[self.orderStart]
            if let entry = self.entries[digest], now < entry.expiresAt { return }
            self.entries[digest] = nil
            self.orderStart += 1
        }
    }

    /// Removes the oldest entry; false when there is nothing left to remove.
    private mutating func popFront() -> Bool {
        guard self.orderStart < self.order.count else { return false }
        self.entries[self.order[self.orderStart]] = nil
        self.orderStart += 1
        return true
    }

    private mutating func compactIfNeeded() {
        guard self.orderStart > 1024, self.orderStart * 2 > self.order.count else { return }
        self.order.removeFirst(self.orderStart)
        self.orderStart = 0
    }
}
