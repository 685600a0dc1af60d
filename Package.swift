// swift-tools-version: 6.0
// pachca-profile — keep a Pachca profile's status and avatar equal to a YAML file.
// Data flows one way: CYaml → ProfileYAML → ProfileCore; PachcaAPI and ProfileCore meet in
// ProfileApply; ProfileRender depends on the core only; the executables sit on top.
import PackageDescription

let package = Package(
    name: "pachca-profile",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pachca-profile", targets: ["pachca-profile"]),
        .executable(name: "pachca-emulator", targets: ["pachca-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(name: "CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // libcurl through a C shim for its variadic setopt/getinfo (the HTTP client's engine).
        // Headers only: the library is opened with dlopen on first use (see Sources/CCurl/shim.h),
        // so no pkg-config `-lcurl` loads it and its TLS/Kerberos/LDAP tree into every run.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // YAML events → node tree with marks. No knowledge of the profile format.
        .target(name: "ProfileYAML", dependencies: ["CYaml"]),
        // FoundationEssentials where the toolchain has it, Foundation elsewhere; and the C library
        // (Glibc/Darwin) for the edge. One import each instead of a #if block in every file.
        .target(name: "PortableFoundation"),
        .target(name: "PortableLibc"),
        // Time without ICU: the one timestamp implementation, TZif zone rules.
        .target(name: "Timekeeping", dependencies: ["PortableFoundation"]),
        // Search and replace by Unicode scalars ("\r\n" is one Character): escapers, markers.
        .target(name: "ScalarText"),
        // The pure core: desired state, live state, diff, plan. No I/O (effects are injected).
        .target(name: "ProfileCore", dependencies: ["PortableFoundation", "ProfileYAML", "Timekeeping", "ScalarText"]),
        // The one HTTP client for the Pachca API (libcurl), retry policy, wire types.
        .target(name: "PachcaAPI", dependencies: ["CCurl", "PortableFoundation", "PortableLibc", "Timekeeping", "ScalarText"]),
        // Edge: reads live state, decides avatar identity, executes plans.
        .target(name: "ProfileApply", dependencies: ["PortableFoundation", "PortableLibc", "ProfileCore", "PachcaAPI", "Timekeeping"]),
        // Pure renderers: Plan/diagnostics → String.
        .target(name: "ProfileRender", dependencies: ["PortableFoundation", "ProfileCore", "ProfileYAML", "ScalarText"]),
        .executableTarget(
            name: "pachca-profile",
            dependencies: [
                "PortableFoundation", "PortableLibc", "ProfileCore", "ProfileApply", "ProfileRender", "PachcaAPI", "ScalarText",
                "Timekeeping", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // A local, spec-faithful Pachca API for tests, the demo and offline rehearsals.
        .target(name: "PachcaEmulator", dependencies: [.product(name: "FlyingFox", package: "FlyingFox")]),
        .executableTarget(
            name: "pachca-emulator",
            dependencies: ["PachcaEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping"]),
        .testTarget(name: "ScalarTextTests", dependencies: ["ScalarText"]),
        .testTarget(name: "ProfileYAMLTests", dependencies: ["ProfileYAML"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ProfileCoreTests", dependencies: ["ProfileCore", "ProfileRender"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "PachcaAPITests",
            dependencies: ["PachcaAPI", "Timekeeping", "PachcaEmulator", .product(name: "FlyingFox", package: "FlyingFox")]),
        // Awaited teardown for the suites that start servers (a Swift Testing trait).
        .target(name: "TestTeardown", path: "Tests/TestTeardown"),
        .testTarget(name: "PachcaEmulatorTests", dependencies: ["PachcaEmulator", "TestTeardown"]),
        // The edge against the emulator in-process (port 0), without the binary.
        .testTarget(name: "ProfileApplyTests", dependencies: ["ProfileApply", "ProfileCore", "PachcaAPI", "PachcaEmulator", "Timekeeping"]),
        .testTarget(name: "EndToEndTests", dependencies: ["PachcaEmulator", "TestTeardown"]),
    ],
    swiftLanguageModes: [.v6]
)
