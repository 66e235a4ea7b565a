/// The deadline of the XRPC call being handled by the current task, if any.
///
/// The server transport binds it around each handler, so a call the handler makes through an
/// XRPC client transport inherits what is left of it: the outgoing call's timeout is the
/// smaller of its own and the remainder. This is how a deadline set at a POS till bounds the
/// whole chain of calls it causes.
public enum XRPCDeadline {
    /// The current task's inherited deadline.
    @TaskLocal public static var current: ContinuousClock.Instant?
}
