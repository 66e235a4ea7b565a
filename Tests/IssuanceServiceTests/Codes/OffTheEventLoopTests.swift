@testable import IssuanceService
import NIOCore
import NIOPosix
import Testing
import XRPC

/// The XRPC server runs a connection's calls on its event loop; generating and exporting codes
/// compute for seconds and must leave it.
@Suite struct OffTheEventLoopTests {
    @Test func longCallsRunOnThePoolWhileOthersStayOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let executor = XRPCEventLoopExecutor(group.next())
        try await withIssuanceService { harness in
            let (onLoop, offLoop) = try await withTaskExecutorPreference(executor) {
                await Task.yield()
                let onLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
                let offLoop = try await harness.service.handlingOffTheEventLoop("Test") {
                    await Task.yield()
                    return MultiThreadedEventLoopGroup.currentEventLoop == nil
                }
                return (onLoop, offLoop)
            }
            #expect(onLoop)
            #expect(offLoop)
        }
        try await group.shutdownGracefully()
    }
}
