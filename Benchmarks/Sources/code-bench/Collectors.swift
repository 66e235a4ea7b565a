import GRPCCore
import Synchronization
import VoucherdModel

/// GenerateCodes' progress stream, each message with the time it arrived.
final class ProgressRecorder: RPCWriterProtocol, Sendable {
    struct Entry: Sendable {
        var at: ContinuousClock.Instant
        var generated: Int
        var done: Bool
    }

    private let collected = Mutex<[Entry]>([])

    var entries: [Entry] { self.collected.withLock { $0 } }

    func write(_ element: Voucherd_V1_GenerateCodesProgress) async throws {
        let entry = Entry(at: .now, generated: Int(element.generated), done: element.done)
        self.collected.withLock { $0.append(entry) }
    }

    func write(contentsOf elements: some Sequence<Voucherd_V1_GenerateCodesProgress>) async throws {
        for element in elements { try await self.write(element) }
    }
}

/// ExportCodes' stream, codes only.
final class CodeCollector: RPCWriterProtocol, Sendable {
    private let collected = Mutex<[String]>([])

    var codes: [String] { self.collected.withLock { $0 } }

    func write(_ element: Voucherd_V1_CouponCodeEntry) async throws {
        self.collected.withLock { $0.append(element.code) }
    }

    func write(contentsOf elements: some Sequence<Voucherd_V1_CouponCodeEntry>) async throws {
        let codes = elements.map(\.code)
        self.collected.withLock { $0.append(contentsOf: codes) }
    }
}
