// swift-tools-version: 6.0
// pachca-profile — keep Pachca profiles (status, avatar) equal to YAML files kept in git.
// Data flows one way: files (CYaml → ProfileYAML) → desired state (ProfileCore) → plan
// (ProfileApply reads live state through PachcaAPI) → executor (ProfileApply) → report
// (ProfileRender); the executables sit on top. Every target lists each module it imports.
import PackageDescription

let package = Package(
    name: "pachca-profile",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pachca-profile", targets: ["pachca-profile"]),
        .executable(name: "pachca-emulator", targets: ["pachca-emulator"]),
        .executable(name: "pachca-profile-metrics", targets: ["pachca-profile-metrics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
        // `watch --metrics-listen`'s helper: SwiftNIO's HTTP/1 server (no Foundation; FlyingFox
        // imports the whole of Foundation and ICU).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The system libyaml, for the reader's events and marks and for the emitter.
        .systemLibrary(name: "CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // libcurl through a C shim for its variadic setopt/getinfo (the HTTP client's engine).
        // Headers only: the library is opened with dlopen on first use (see Sources/CCurl/shim.h),
        // so no pkg-config `-lcurl` loads it and its TLS/Kerberos/LDAP tree into every run.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // What every module may use: Foundation's value types (FoundationEssentials where the
        // toolchain has it), the C library, and text search by Unicode scalars for escapers.
        // The pure core uses the first and last only: it does no I/O (effects are injected).
        .target(name: "Support"),
        // YAML events → node tree with marks. No knowledge of the profile format.
        .target(name: "ProfileYAML", dependencies: ["CYaml"]),
        // Time without ICU: the one timestamp implementation, TZif zone rules.
        .target(name: "Timekeeping", dependencies: ["Support"]),
        // The pure core: desired state, live state, diff, plan values, the JSON policy.
        .target(name: "ProfileCore", dependencies: ["Support", "ProfileYAML", "Timekeeping"]),
        // The one HTTP client for the Pachca API (libcurl), retry policy, wire types.
        .target(name: "PachcaAPI", dependencies: ["CCurl", "Support", "Timekeeping"]),
        // The edge: the planner (live reads), the executor (writes, verification, state records),
        // saved plans, locks, export, doctor.
        .target(name: "ProfileApply", dependencies: ["Support", "Timekeeping", "ProfileCore", "PachcaAPI"]),
        // Pure renderers: plan, apply report, diagnostics → text, JSON, Markdown.
        .target(name: "ProfileRender", dependencies: ["Support", "ProfileCore", "ProfileYAML"]),
        .executableTarget(
            name: "pachca-profile",
            dependencies: [
                "Support", "Timekeeping", "ProfileYAML", "ProfileCore", "PachcaAPI", "ProfileApply", "ProfileRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // `/metrics` and `/healthz` for `watch --metrics-listen`, which starts it beside itself:
        // a binary of its own, so that no other command maps SwiftNIO (BENCHMARKS.md "watch").
        .executableTarget(
            name: "pachca-profile-metrics",
            dependencies: [
                "Support", "ProfileApply",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // A local, spec-faithful Pachca API for tests, the demo and offline rehearsals.
        .target(name: "PachcaEmulator", dependencies: [
            .product(name: "FlyingFox", package: "FlyingFox"),
            .product(name: "FlyingSocks", package: "FlyingFox"),
        ]),
        .executableTarget(
            name: "pachca-emulator",
            dependencies: ["PachcaEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping"]),
        .testTarget(name: "ProfileYAMLTests", dependencies: ["ProfileYAML"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ProfileCoreTests", dependencies: ["ProfileCore", "ProfileYAML", "ProfileRender"],
                    resources: [.copy("Fixtures")]),
        .testTarget(
            name: "PachcaAPITests",
            dependencies: ["PachcaAPI", "Timekeeping", "PachcaEmulator", "TestTeardown",
                           .product(name: "FlyingFox", package: "FlyingFox"),
                           .product(name: "FlyingSocks", package: "FlyingFox")]),
        // Awaited teardown for the suites that start servers (a Swift Testing trait).
        .target(name: "TestTeardown", path: "Tests/TestTeardown"),
        .testTarget(name: "PachcaEmulatorTests", dependencies: ["PachcaEmulator", "TestTeardown"]),
        // The edge against the emulator in-process (port 0), without the binary.
        .testTarget(name: "ProfileApplyTests",
                    dependencies: ["ProfileApply", "ProfileCore", "PachcaAPI", "PachcaEmulator", "Timekeeping", "TestTeardown"]),
        // The built binaries over real HTTP against the emulator; the journal is the oracle.
        .testTarget(name: "EndToEndTests", dependencies: ["PachcaEmulator", "TestTeardown"]),
    ],
    swiftLanguageModes: [.v6]
)
