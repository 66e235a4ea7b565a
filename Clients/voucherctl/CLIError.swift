/// A failure `voucherctl` reports itself (not an RPC status): printed as `error: <message>`.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
