// One import for the C library at the edge (files, sockets, threads): Glibc on Linux, Darwin on
// macOS. The pure core (ProfileCore) does not import it.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// read(2), write(2) and exit(3) under names that no type's own `read`/`write`/`exit` shadows.
public func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

public func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

public func systemExit(_ status: Int32) -> Never {
    exit(status)
}
