import Foundation
import JWTKit
import Synchronization

/// The signing keys held in memory: the current private key ready to sign (so issuing a token
/// never reads the database) and every stored key's public half.
///
/// Coherence with the store: every rotation reloads the cache after its transaction committed,
/// and a reload only installs a snapshot whose current key is at least as new (by rowid, which
/// only grows) as the installed one, so two reloads finishing out of order cannot roll it back.
final class SigningKeyCache: Sendable {
    /// The current key, ready to sign.
    struct Signer: Sendable {
        let kid: String
        let keys: JWTKeyCollection
        let rowID: Int64
    }

    /// What a reload read from the store.
    struct Snapshot: Sendable {
        var signer: Signer?
        var records: [SigningKeyRecord]
    }

    private let state = Mutex(Snapshot(signer: nil, records: []))

    /// The key new tokens are signed with, if loaded.
    var signer: Signer? {
        self.state.withLock { $0.signer }
    }

    /// Installs `snapshot` unless the installed current key is newer.
    func install(_ snapshot: Snapshot) {
        self.state.withLock { state in
            if let installed = state.signer?.rowID, let incoming = snapshot.signer?.rowID, incoming < installed {
                return
            }
            if snapshot.signer == nil, state.signer != nil { return }
            state = snapshot
        }
    }

    /// The current key (first) and the retired keys still published at `nowMicros`, newest first.
    func published(nowMicros: Int64) -> [SigningKeyRecord] {
        let records = self.state.withLock { $0.records }
        let current = records.filter { $0.retiredAtMicros == nil }
        let retired = records
            .filter { ($0.publishUntilMicros ?? .min) > nowMicros }
            .sorted { $0.createdAtMicros > $1.createdAtMicros }
        return current + retired
    }

    /// The current key's record, if loaded.
    var currentRecord: SigningKeyRecord? {
        self.state.withLock { $0.records.first { $0.retiredAtMicros == nil } }
    }
}
