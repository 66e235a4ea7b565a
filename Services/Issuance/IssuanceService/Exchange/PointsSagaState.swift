/// How far a points-exchange saga got (`points_sagas.state`).
///
/// ```
/// started ──spend──▶ spent ──issue──▶ completed
///    │                 │
///    │ refused         └─issue refused─▶ compensating ──refund──▶ compensated
///    ▼
///  failed
/// ```
/// Every arrow is one compare-and-set on the row, and every peer call before it is idempotent
/// by a key derived from the saga id, so repeating any step after a crash changes nothing.
enum PointsSagaState: String, Sendable, Hashable, CaseIterable {
    /// Recorded; the spend may or may not have reached identity.
    case started
    /// Identity spent the points; the coupon is not issued yet.
    case spent
    /// The coupon is issued (final).
    case completed
    /// Issuing was refused after the spend; the points must go back.
    case compensating
    /// The points went back (final).
    case compensated
    /// Identity refused the spend; nothing to undo (final).
    case failed

    /// Whether nothing more happens to the saga.
    var isFinal: Bool {
        switch self {
        case .completed, .compensated, .failed: true
        case .started, .spent, .compensating: false
        }
    }

    /// The states ``IssuanceService/resumeSagas()`` drives.
    static let open: [PointsSagaState] = allCases.filter { !$0.isFinal }
}
