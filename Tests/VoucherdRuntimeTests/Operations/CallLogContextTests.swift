import Foundation
import Logging
import Testing
import VoucherdRuntime

@Suite("Log lines inside a call carry the call")
struct CallLogContextTests {
    @Test("a line written while handling a call has method, peer and trace id")
    func linesCarryTheCall() throws {
        let sink = LineSink()
        let logger = Logger(label: "voucherd.handler") { label in
            JSONLogHandler(label: label, metadataProvider: CallLogContext.metadataProvider, output: { sink.append($0) })
        }
        let trace = TraceContext.newTrace()
        TraceContext.$current.withValue(trace) {
            CallLogContext.$current.withValue(CallLogContext(method: "voucherd.v1.Issuance/Claim", peer: "ipv4:127.0.0.1:5000")) {
                logger.info("claimed")
            }
        }
        logger.info("outside any call")
        let objects = try sink.objects()
        try #require(objects.count == 2)
        #expect(objects[0]["method"] as? String == "voucherd.v1.Issuance/Claim")
        #expect(objects[0]["peer"] as? String == "ipv4:127.0.0.1:5000")
        #expect(objects[0]["trace_id"] as? String == "\(trace.traceID)")
        #expect(objects[1]["method"] == nil)
        #expect(objects[1]["trace_id"] == nil)
    }

    @Test("the text provider adds the trace id too")
    func textProvider() {
        let trace = TraceContext.newTrace()
        let metadata = TraceContext.$current.withValue(trace) {
            CallLogContext.$current.withValue(CallLogContext(method: "m/x", peer: "p")) {
                CallLogContext.textMetadataProvider.get()
            }
        }
        #expect(metadata["method"] == "m/x")
        #expect(metadata["peer"] == "p")
        #expect(metadata["trace_id"] == "\(trace.traceID)")
    }
}
