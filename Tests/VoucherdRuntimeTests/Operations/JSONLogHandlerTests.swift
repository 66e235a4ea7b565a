import Foundation
import Logging
import Synchronization
import Testing
import VoucherdRuntime

/// Collects the lines a log handler writes.
final class LineSink: Sendable {
    private let stored = Mutex<[String]>([])

    var lines: [String] { self.stored.withLock { $0 } }

    func append(_ line: String) { self.stored.withLock { $0.append(line) } }

    func objects() throws -> [[String: Any]] {
        try self.lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any])
        }
    }
}

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("each line is a JSON object with timestamp, level, label, message and flattened metadata")
    func fields() throws {
        let sink = LineSink()
        var logger = Logger(label: "voucherd.test") { label in
            JSONLogHandler(label: label, logLevel: .debug, output: { sink.append($0) })
        }
        logger[metadataKey: "service"] = "issuance"
        logger.info(
            "hello \"world\"\nsecond line",
            metadata: ["request": ["id": "r-1", "attempt": "\(2)"], "level": "shadowed", "tags": ["a", "b"]]
        )
        logger.trace("not written")
        TraceContext.$current.withValue(TraceContext.newTrace()) { logger.warning("traced") }

        let objects = try sink.objects()
        try #require(objects.count == 2)
        let first = objects[0]
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "voucherd.test")
        #expect(first["message"] as? String == "hello \"world\"\nsecond line")
        #expect(first["service"] as? String == "issuance")
        #expect(first["request.id"] as? String == "r-1")
        #expect(first["request.attempt"] as? String == "2")
        #expect(first["metadata.level"] as? String == "shadowed")
        #expect(first["tags"] as? String == "[a, b]")
        #expect(first["trace_id"] == nil)
        let timestamp = try #require(first["timestamp"] as? String)
        #expect(timestamp.hasSuffix("Z"))
        let parsed = try Date(timestamp, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
        #expect(objects[1]["level"] as? String == "warning")
        #expect((objects[1]["trace_id"] as? String)?.count == 32)
    }

    @Test("the bootstrap helper picks the handler for the format")
    func handlerForFormat() {
        #expect(LoggingBootstrap.makeHandler(label: "x", format: .json, level: .debug) is JSONLogHandler)
        #expect(LoggingBootstrap.makeHandler(label: "x", format: .text, level: .debug) is StreamLogHandler)
        #expect(LoggingBootstrap.makeHandler(label: "x", format: .text, level: .error).logLevel == .error)
    }
}
