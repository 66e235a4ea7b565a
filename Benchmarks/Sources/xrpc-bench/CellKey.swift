/// A group of cells that differ only in transport: the same call shape, payload and load.
struct CellKey: Codable, Sendable, Hashable {
    var call: CallKind
    var payloadBytes: Int
    var load: Load
}
