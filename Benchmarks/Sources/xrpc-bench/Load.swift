/// How many calls are in flight, and over how many connections. Every connection carries
/// `inFlightPerConnection` callers, each making one call at a time.
struct Load: Codable, Sendable, Hashable, CustomStringConvertible {
    var connections: Int
    var inFlightPerConnection: Int

    var totalInFlight: Int { connections * inFlightPerConnection }

    /// `16` is 16 calls in flight on one connection; `64c` is 64 connections with one call
    /// in flight on each.
    init?(parsing text: Substring) {
        if text.hasSuffix("c") {
            guard let count = Int(text.dropLast()), count > 0 else { return nil }
            self.connections = count
            self.inFlightPerConnection = 1
        } else {
            guard let count = Int(text), count > 0 else { return nil }
            self.connections = 1
            self.inFlightPerConnection = count
        }
    }

    var description: String {
        connections == 1 ? "\(inFlightPerConnection)" : "\(connections)c"
    }
}
