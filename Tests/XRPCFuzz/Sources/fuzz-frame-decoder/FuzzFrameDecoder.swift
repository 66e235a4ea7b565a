@_spi(Fuzzing) import XRPC

// The whole harness is XRPCFuzzing.decodeFrames, shared with the replay test
// (Tests/XRPCTests/Fuzz/FuzzReplayTests.swift), so a crash here replays there.

/// libFuzzer's entry point: one input, byte 0 flags, byte 1 split seed, then the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    XRPCFuzzing.decodeFrames(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}

/// SwiftPM links an executable with `--defsym main=fuzz_frame_decoder_main` (so tests can link it), but
/// `-parse-as-library` emits no such function: this one starts libFuzzer's own driver instead.
@_cdecl("fuzz_frame_decoder_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzFrameDecoder)
}

/// libFuzzer's `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt
