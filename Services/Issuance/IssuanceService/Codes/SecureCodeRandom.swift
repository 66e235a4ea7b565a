import Crypto
import Foundation

/// A cryptographically secure generator fast enough for a million codes.
///
/// `SystemRandomNumberGenerator` makes one `getrandom` call per value, and a 12-symbol code
/// asks for 13 values: a million codes would spend seconds in the kernel. This generator reads
/// a ChaCha20 keystream instead (ChaChaPoly over zeros, under a fresh random key and nonce for
/// every 64 KiB), which is as unpredictable as its key and costs one system call per refill.
struct SecureCodeRandom: RandomNumberGenerator {
    private static let wordsPerRefill = 8 * 1024
    private var words: [UInt64] = []
    private var index = 0

    init() {}

    mutating func next() -> UInt64 {
        if self.index == self.words.count { self.refill() }
        defer { self.index += 1 }
        return self.words[self.index]
    }

    private mutating func refill() {
        self.index = 0
        let zeros = Data(count: Self.wordsPerRefill * 8)
        guard let sealed = try? ChaChaPoly.seal(zeros, using: SymmetricKey(size: .bits256)) else {
            // Sealing in memory does not fail in practice; the system generator is the safe fallback.
            var system = SystemRandomNumberGenerator()
            self.words = (0..<Self.wordsPerRefill).map { _ in system.next() }
            return
        }
        self.words = sealed.ciphertext.withUnsafeBytes { raw in
            (0..<Self.wordsPerRefill).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
    }
}
