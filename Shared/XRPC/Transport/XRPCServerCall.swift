import GRPCCore

/// Runs one accepted stream through GRPCCore's handler, and stops the handler when the stream
/// is aborted under it: reset by the client, past its deadline, or its connection lost.
enum XRPCServerCall {
    private enum Outcome: Sendable {
        case handlerFinished
        case aborted
        case completedNormally
    }

    static func run(
        stream: XRPCAcceptedStream,
        remotePeer: String,
        localPeer: String,
        handler: @escaping @Sendable (RPCStream<XRPCServerTransport.Inbound, XRPCServerTransport.Outbound>, ServerContext) async -> Void
    ) async {
        await withServerContextRPCCancellationHandle { cancellation in
            var callContext = ServerContext(
                descriptor: stream.descriptor,
                remotePeer: remotePeer,
                localPeer: localPeer,
                cancellation: cancellation
            )
            callContext.transportSpecific = XRPCServerCallContext(peer: stream.peer, deadline: stream.deadline, streamID: stream.streamID)
            let context = callContext
            let rpcStream = RPCStream(
                descriptor: stream.descriptor,
                inbound: RPCAsyncSequence(wrapping: XRPCServerInbound(buffer: stream.inbound)),
                outbound: RPCWriter.Closable(wrapping: XRPCServerStreamWriter(stream: stream))
            )

            await withTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    await XRPCDeadline.$current.withValue(stream.deadline) {
                        await handler(rpcStream, context)
                    }
                    stream.inbound.discard()
                    return .handlerFinished
                }
                group.addTask {
                    switch await stream.lifecycle.waitForAbort() {
                    case .none, .completed: return .completedNormally
                    case .some: return .aborted
                    }
                }
                while let outcome = await group.next() {
                    switch outcome {
                    case .handlerFinished:
                        group.cancelAll()
                    case .aborted:
                        // Both ways of stopping a handler: GRPCCore's cancellation handle for
                        // handlers that watch it, and task cancellation for everything they await.
                        cancellation.cancel()
                        group.cancelAll()
                    case .completedNormally:
                        continue
                    }
                }
            }
        }
    }
}

/// The request parts of a server stream, as GRPCCore reads them. A concrete type, so the
/// buffer's code GRPCCore reaches through `RPCAsyncSequence` runs specialized: read through the
/// generic buffer's own conformance, `next()` spent most of its 5.3% of the CPU looking up
/// generic metadata (Benchmarks/README.md).
struct XRPCServerInbound: AsyncSequence, Sendable {
    typealias Element = RPCRequestPart<XRPCBytes>
    typealias Failure = any Error

    let buffer: XRPCInboundBuffer<RPCRequestPart<XRPCBytes>>

    struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: XRPCInboundBuffer<RPCRequestPart<XRPCBytes>>
        func next() async throws -> RPCRequestPart<XRPCBytes>? { try await self.buffer.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: self.buffer) }
}

/// The outbound side of a server stream: what the handler writes goes to the connection's event
/// loop, in order.
struct XRPCServerStreamWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCResponsePart<XRPCBytes>

    let stream: XRPCAcceptedStream

    func write(_ element: Element) async throws {
        // While the client does not read, the handler is not pulled from: memory stays bounded
        // by the write-buffer watermarks plus one message per stream. With flow control on, a
        // client reading this stream slowly holds back only this stream's handler.
        let reserved: Int
        if case .message(let bytes) = element {
            reserved = await self.stream.connection.admitMessage(of: bytes.count, on: self.stream.lifecycle)
        } else {
            await self.stream.connection.writability.waitUntilWritable()
            reserved = 0
        }
        if let closure = self.stream.lifecycle.closure {
            self.stream.connection.writability.release(reserved)
            throw XRPCStreamClosure.error(for: closure)
        }
        let id = self.stream.streamID
        self.stream.connection.execute { handler in
            handler.serverSend(element, streamID: id)
            handler.releaseAfterFlush(reserved)
        }
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await self.write(element) }
    }

    func finish() async {
        let id = self.stream.streamID
        self.stream.connection.execute { $0.serverFinish(streamID: id, error: nil) }
    }

    func finish(throwing error: any Error) async {
        let id = self.stream.streamID
        self.stream.connection.execute { $0.serverFinish(streamID: id, error: error) }
    }
}

extension XRPCStreamClosure {
    /// What a write on a stream that has ended throws.
    static func error(for closure: XRPCStreamClosure) -> RPCError {
        switch closure {
        case .completed: RPCError(code: .internalError, message: "the stream has already completed")
        case .resetByPeer(let code): RPCError(code: .cancelled, message: "the peer reset the stream (\(code))")
        case .resetLocally: RPCError(code: .cancelled, message: "the stream was reset")
        case .deadlineExceeded: RPCError(code: .deadlineExceeded, message: "the call's deadline has passed")
        case .connectionClosed: RPCError(code: .unavailable, message: "the connection closed")
        }
    }
}
