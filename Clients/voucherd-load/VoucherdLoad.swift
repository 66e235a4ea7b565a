import ArgumentParser

/// `voucherd-load`: drives scenarios against running voucherd services over XRPC and reports
/// throughput and latency percentiles as a table and as JSON.
@main
struct VoucherdLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voucherd-load",
        abstract: "Drive load scenarios against running voucherd services over XRPC.",
        discussion: """
            Each scenario sets up what it needs, runs a timed phase with --concurrency calls in \
            flight spread over --connections XRPC transports, verifies the service's invariants \
            afterwards, and prints throughput and p50/p99/p999 per outcome as a table (and as \
            JSON with --json). The exit code is non-zero when a verification check fails.
            """,
        subcommands: [PointsCommand.self, FlashSaleCommand.self]
    )
}
