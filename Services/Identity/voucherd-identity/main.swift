#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin by design: IdentityProcess turns the configuration into a ServiceGroup and runs it; this
// file only hands over the command line and exits with its status.
let status = await IdentityProcess.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
