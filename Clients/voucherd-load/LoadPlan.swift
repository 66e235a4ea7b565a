/// When a run stops: after a number of calls, or after a time (whichever is given; a run
/// with both stops at the first).
struct LoadPlan: Sendable, Hashable, CustomStringConvertible {
    /// Calls to make in all; nil for no limit.
    var requests: Int?
    /// How long to keep starting calls; nil for no limit.
    var duration: Duration?

    init(requests: Int? = nil, duration: Duration? = nil) {
        precondition(requests != nil || duration != nil, "a plan needs a request count or a duration")
        self.requests = requests
        self.duration = duration
    }

    var description: String {
        switch (self.requests, self.duration) {
        case (.some(let requests), .some(let duration)): "\(requests) calls or \(duration)"
        case (.some(let requests), .none): "\(requests) calls"
        case (.none, .some(let duration)): "\(duration)"
        case (.none, .none): "nothing"
        }
    }
}
