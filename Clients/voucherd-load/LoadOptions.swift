import ArgumentParser

/// How hard and how long to drive a scenario, and where the results go.
struct LoadOptions: ParsableArguments {
    @Option(help: "Calls in flight during the timed phase.")
    var concurrency: Int = 64

    @Option(
        name: [.customLong("requests"), .customLong("attempts")],
        help: "Calls to make in the timed phase (the scenario's default if neither this nor --duration is given).")
    var requests: Int?

    @Option(help: ArgumentHelp("Seconds to run the timed phase; with --requests, stops at whichever comes first.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Seconds of calls before the timed phase, not counted (connections, caches, JIT-free warm paths).", valueName: "seconds"))
    var warmup: Double = 1

    @Option(name: .customLong("setup-concurrency"), help: "Calls in flight while setting up and verifying (registering users, minting tokens, reading balances).")
    var setupConcurrency: Int = 32

    @Option(help: ArgumentHelp("Also write the report as JSON to this file.", valueName: "path"))
    var json: String?

    @Option(help: ArgumentHelp("A free-text label for this run, such as `group-commit-off`, kept in the report.", valueName: "text"))
    var label: String?

    mutating func validate() throws {
        guard self.concurrency > 0 else { throw ValidationError("--concurrency must be at least 1.") }
        guard self.setupConcurrency > 0 else { throw ValidationError("--setup-concurrency must be at least 1.") }
        if let requests, requests <= 0 { throw ValidationError("--requests must be at least 1.") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive.") }
        guard self.warmup >= 0 else { throw ValidationError("--warmup cannot be negative.") }
    }

    /// The timed phase's plan; `defaultRequests` when neither --requests nor --duration is given.
    func plan(defaultRequests: Int) -> LoadPlan {
        if self.requests == nil && self.duration == nil { return LoadPlan(requests: defaultRequests) }
        return LoadPlan(requests: self.requests, duration: self.duration.map(Self.duration(seconds:)))
    }

    /// The warm-up plan, or nil for none.
    var warmupPlan: LoadPlan? {
        self.warmup > 0 ? LoadPlan(duration: Self.duration(seconds: self.warmup)) : nil
    }

    static func duration(seconds: Double) -> Duration {
        .microseconds(Int64((seconds * 1_000_000).rounded()))
    }

    /// The options as they go into the report.
    func reportEntries(plan: LoadPlan) -> [String: String] {
        [
            "concurrency": String(self.concurrency),
            "plan": plan.description,
            "warmup_seconds": String(self.warmup),
            "setup_concurrency": String(self.setupConcurrency),
        ]
    }
}
