import GRPCCore

/// Parses and prints the method path carried by `RequestHeaders.method`:
/// "/" + fully qualified service + "/" + method.
enum XRPCMethodPath {
    static func path(for descriptor: MethodDescriptor) -> String {
        "/" + descriptor.fullyQualifiedMethod
    }

    static func descriptor(from path: String) -> MethodDescriptor? {
        guard path.first == "/" else { return nil }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return MethodDescriptor(fullyQualifiedService: String(parts[0]), method: String(parts[1]))
    }
}
