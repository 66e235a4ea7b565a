import BenchSupport
import Foundation

extension Machine {
    /// What a load report records: the shared description plus memory and the checkout's
    /// revision, since a report is read long after the run, next to others.
    static func forLoadRun() -> Machine {
        var machine = Machine.describe()
        machine.memoryBytes = ProcessInfo.processInfo.physicalMemory
        machine.gitRevision = Machine.gitRevision()
        return machine
    }
}
