public import Foundation
public import GRDB

/// Idempotency records: the stored response of a request, found again by (principal, method,
/// idempotency key), so a retried request gets the first answer instead of running twice.
///
/// Use it inside a write transaction (a ``GroupCommitWriter`` body), so the record commits
/// together with the changes the request made, or not at all.
public struct IdempotencyStore: Sendable {
    /// How long a record answers retries; afterwards the key may be reused and
    /// ``purgeExpired(now:in:)`` deletes it. Default 24 hours.
    public var timeToLive: Duration

    /// Creates a store of idempotency records.
    ///
    /// - Parameter timeToLive: How long records live; must be positive, default 24 hours.
    public init(timeToLive: Duration = .seconds(24 * 60 * 60)) {
        self.timeToLive = timeToLive
    }

    /// Answers a request at most once per key.
    ///
    /// If an unexpired record exists for (principal, method, key) with the same request hash,
    /// returns its stored response without running `body`. With a different hash, throws
    /// ``IdempotencyError/keyReusedWithDifferentRequest(principal:method:key:)``. Otherwise
    /// runs `body`, stores its response and returns it.
    ///
    /// - Parameters:
    ///   - principal: The authenticated caller; keys of different principals never collide.
    ///   - method: The RPC method, e.g. `/voucherd.v1.Issuance/Issue`.
    ///   - key: The client's idempotency key.
    ///   - requestHash: A digest of the request message (e.g. SHA-256 of its serialized bytes).
    ///   - now: The current time; records expire `timeToLive` after it.
    ///   - db: A database connection inside a write transaction.
    ///   - body: Performs the request and returns the response bytes to store.
    /// - Returns: The stored or freshly produced response.
    public func execute(
        principal: String,
        method: String,
        key: String,
        requestHash: Data,
        now: Date = Date(),
        in db: Database,
        _ body: (Database) throws -> Data
    ) throws -> Data {
        let nowMicroseconds = StoreTime.microseconds(now)
        let arguments: StatementArguments = [principal, method, key]
        if let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT request_hash, response, expires_at_us FROM store_idempotency
                WHERE principal = ? AND method = ? AND key = ?
                """),
            arguments: arguments)
        {
            let expiresAt: Int64 = row["expires_at_us"]
            if expiresAt > nowMicroseconds {
                let storedHash: Data = row["request_hash"]
                guard storedHash == requestHash else {
                    throw IdempotencyError.keyReusedWithDifferentRequest(
                        principal: principal, method: method, key: key)
                }
                let response: Data = row["response"]
                return response
            }
            try db.cachedStatement(sql: "DELETE FROM store_idempotency WHERE principal = ? AND method = ? AND key = ?")
                .execute(arguments: arguments)
        }

        let response = try body(db)
        let lifetime = max(1, StoreTime.microseconds(timeToLive))
        try db.cachedStatement(sql: """
                INSERT INTO store_idempotency
                    (principal, method, key, request_hash, response, created_at_us, expires_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                principal, method, key, requestHash, response,
                nowMicroseconds, nowMicroseconds + lifetime,
            ])
        return response
    }

    /// Deletes every record expired at `now`.
    ///
    /// - Returns: How many records were deleted.
    @discardableResult
    public func purgeExpired(now: Date = Date(), in db: Database) throws -> Int {
        try db.execute(
            sql: "DELETE FROM store_idempotency WHERE expires_at_us <= ?",
            arguments: [StoreTime.microseconds(now)])
        return db.changesCount
    }
}
