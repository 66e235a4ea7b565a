/// No stock left, with the level the write saw; claims and grants turn it into
/// RESOURCE_EXHAUSTED after telling the ``StockGate``.
struct StockExhausted: Error, Sendable {
    var level: StockGate.Level
}
