/// Store states that should never happen. They surface to callers as INTERNAL with a generic
/// message; the case goes to the log.
enum ConsumersStoreError: Error {
    /// Every invite code tried was taken.
    case inviteCodeSpaceExhausted
    /// A row written in this transaction could not be read back.
    case rowVanished
}
