@_spi(Fuzzing) import XRPC

// The whole harness is XRPCFuzzing.ServerHarness, shared with the replay test
// (Tests/XRPCTests/Fuzz/FuzzReplayTests.swift), so a crash here replays there.

/// One GRPCServer for the process, started before the first input so that libFuzzer's leak
/// check does not count it against that input.
let harness = XRPCFuzzing.ServerHarness()

/// libFuzzer calls this once, before any input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = harness
    return 0
}

/// libFuzzer's entry point: one input, byte 0 flags, byte 1 split seed, then the client's bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerConnection(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    do {
        try harness.run(UnsafeRawBufferPointer(start: start, count: count))
    } catch {
        // The pipeline could not even be built: a harness bug, which must stop the fuzzer loudly.
        fatalError("the fuzz harness could not build its pipeline: \(error)")
    }
    return 0
}

/// SwiftPM links an executable with `--defsym main=fuzz_server_connection_main` (so tests can link it), but
/// `-parse-as-library` emits no such function: this one starts libFuzzer's own driver instead.
@_cdecl("fuzz_server_connection_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzServerConnection)
}

/// libFuzzer's `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt
