/// A failure of the benchmark's own set-up or of its checks.
enum BenchError: Error, CustomStringConvertible {
    case invalidArgument(String)
    case setup(String)

    var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .setup(let message): "set-up failed: \(message)"
        }
    }
}
