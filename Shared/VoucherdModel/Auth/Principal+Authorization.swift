public import GRPCCore

extension Principal {
    /// Checks that the principal has one of the given roles.
    /// - Parameter roles: the roles allowed to proceed.
    /// - Throws: `RPCError` with code `.permissionDenied` otherwise.
    public func require(_ roles: Role...) throws(RPCError) {
        try self.require(anyOf: Set(roles))
    }

    /// Checks that the principal has one of the given roles.
    /// - Parameter roles: the roles allowed to proceed.
    /// - Throws: `RPCError` with code `.permissionDenied` otherwise.
    public func require(anyOf roles: Set<Role>) throws(RPCError) {
        guard roles.contains(self.role) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw RPCError(
                code: .permissionDenied,
                message: "Role '\(self.role.rawValue)' may not call this method; allowed roles: \(allowed)."
            )
        }
    }

    /// Whether the principal may act on the given merchant's data: operators may act on any
    /// merchant, merchants and merchant staff only on their own, everyone else on none.
    /// - Parameter merchantID: the merchant the call touches.
    /// - Returns: true if the principal is in scope.
    public func isInMerchantScope(_ merchantID: String) -> Bool {
        switch self.role {
        case .operator:
            return true
        case .merchant, .merchantStaff:
            return self.merchantID == merchantID
        case .consumer, .service:
            return false
        }
    }

    /// Checks ``isInMerchantScope(_:)``.
    /// - Parameter merchantID: the merchant the call touches.
    /// - Throws: `RPCError` with code `.permissionDenied` when out of scope.
    public func requireMerchantScope(_ merchantID: String) throws(RPCError) {
        guard self.isInMerchantScope(merchantID) else {
            throw RPCError(
                code: .permissionDenied,
                message: "Principal with role '\(self.role.rawValue)' may not act for merchant '\(merchantID)'."
            )
        }
    }
}
