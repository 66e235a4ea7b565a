/// A failure of the benchmark's own set-up or of its checks.
enum BenchError: Error, CustomStringConvertible {
    case io(String)
    case invalidArgument(String)
    case verification(String)

    var description: String {
        switch self {
        case .io(let message): "I/O error: \(message)"
        case .invalidArgument(let message): message
        case .verification(let message): "verification failed: \(message)"
        }
    }
}
