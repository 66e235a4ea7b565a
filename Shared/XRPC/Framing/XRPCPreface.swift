/// The 8 bytes a client sends first on every connection: "XRPC\r\n", major version 1, minor 0.
public enum XRPCPreface {
    /// `58 52 50 43 0D 0A 01 00`.
    public static let bytes: [UInt8] = [0x58, 0x52, 0x50, 0x43, 0x0D, 0x0A, 0x01, 0x00]
    /// The only ALPN protocol identifier XRPC/1 connections negotiate.
    public static let alpn = "xrpc/1"
}
