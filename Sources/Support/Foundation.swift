// One import for Foundation's value types in every product module: FoundationEssentials where
// the toolchain has it (Linux: no ICU, half the binary), full Foundation elsewhere.
#if canImport(FoundationEssentials)
@_exported import FoundationEssentials
#else
@_exported import Foundation
#endif
