// swift-tools-version:6.1
// Linux only (Debian, Ubuntu): the store calls Glibc and Linux's memory advice directly, and nothing here is
// built or tested on macOS, so no Apple platform is declared.
import PackageDescription

let package = Package(
    name: "Tandem",
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        // For the benchmark package in Benchmarks/, which depends on this one by path.
        .library(name: "TandemCore", targets: ["TandemCore"]),
        .library(name: "TandemStore", targets: ["TandemStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Already in the graph through Hummingbird; named because TandemLocal imports their modules directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL's libcrypto (libssl-dev), for the relay's HMAC-SHA256 signature checks.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .target(name: "TandemCore"),
        .target(name: "TandemStore", dependencies: ["TandemCore"]),
        // The webhook chat protocol v1: its payloads and their documentation, shared by client and server.
        .target(name: "TandemProtocol"),
        .target(
            name: "TandemChat",
            dependencies: ["CCurl", "TandemCore", "TandemProtocol", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "TandemLocal",
            dependencies: [
                "TandemProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The relay: Slack's (and later Teams') signed webhooks in, queued durably as protocol v1 updates for the bot,
        // and the bot's replies out through the platform's API.
        .target(
            name: "TandemRelay",
            dependencies: [
                "COpenSSL", "TandemProtocol", "TandemChat", "TandemLocal", "TandemStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TandemRuntime",
            dependencies: [
                "TandemCore", "TandemStore", "TandemChat", "TandemLocal", "TandemProtocol", "TandemRelay",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "TandemRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore", "TandemTesting"]),
        // Test helpers shared by the test targets (SplitMix64, TemporaryFolder); depend on nothing, so the core's
        // tests stay free of the store. Not part of any product.
        .target(name: "TandemTesting", path: "Tests/TandemTesting"),
        // The store's test double (FaultyFileSystem), for the tests that make the disk fail.
        .target(name: "TandemStoreTesting", dependencies: ["TandemStore"], path: "Tests/TandemStoreTesting"),
        // A wall clock tests move by hand (ManualClock), for the scheduler's tests here and on Matrix.
        .target(name: "TandemRuntimeTesting", dependencies: ["TandemRuntime"], path: "Tests/TandemRuntimeTesting"),
        // A real Synapse homeserver (from Deploy/setup.sh's .venv-synapse/) for the Matrix adapter's tests.
        .target(name: "TandemMatrixTesting", dependencies: ["TandemChat", "TandemTesting"], path: "Tests/TandemMatrixTesting"),
        // An HTTP server on 127.0.0.1 answering with a closure (Hummingbird), for tests that need a real peer.
        .target(
            name: "TandemLoopbackTesting",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TandemLoopbackTesting"
        ),
        // A loopback fake of Slack's Web API and a sender of signed Events API requests, for the relay's tests.
        .target(
            name: "TandemSlackTesting", dependencies: ["COpenSSL", "TandemChat", "TandemLoopbackTesting"],
            path: "Tests/TandemSlackTesting"),
        .testTarget(
            name: "TandemStoreTests", dependencies: ["TandemStore", "TandemCore", "TandemTesting", "TandemStoreTesting"],
            exclude: ["Fixtures"]  // read from the source tree by path, as fixtures of past schema versions
        ),
        .testTarget(
            name: "TandemChatTests", dependencies: ["TandemChat", "TandemTesting", "TandemLoopbackTesting"]
        ),
        // The Slack fake and sender themselves, through real HTTP: they must be right before the relay relies on them.
        .testTarget(
            name: "TandemSlackFakeTests",
            dependencies: ["TandemSlackTesting", "TandemLoopbackTesting", "TandemChat"]
        ),
        // A loopback fake of Telegram's Bot API (getUpdates, sendMessage with its HTML parsing), for the Telegram tests.
        .target(
            name: "TandemTelegramTesting", dependencies: ["TandemLoopbackTesting"],
            path: "Tests/TandemTelegramTesting"),
        // The Telegram transport, its renderer and fake, and the whole bot (the real binary) through the fake.
        .testTarget(
            name: "TandemTelegramTests",
            dependencies: [
                "TandemTelegramTesting", "TandemLoopbackTesting", "TandemRuntimeTesting", "TandemRuntime", "TandemChat",
                "TandemCore", "TandemStore", "TandemTesting", "tandem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        .testTarget(name: "TandemProtocolTests", dependencies: ["TandemProtocol", "TandemTesting"]),
        .testTarget(
            name: "TandemLocalTests",
            dependencies: [
                "TandemLocal", "TandemProtocol", "TandemTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TandemRuntimeTests",
            dependencies: [
                "TandemRuntime", "TandemLocal", "TandemChat", "TandemProtocol", "TandemStore", "TandemCore", "TandemTesting",
                "TandemStoreTesting", "TandemRuntimeTesting", "TandemRelay",
                "tandem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Tandem's output read by independent software (Python's icalendar); needs Deploy/setup.sh's venv.
        .testTarget(
            name: "TandemInteropTests",
            dependencies: ["TandemCore", "TandemStore", "tandem"],
            exclude: ["Python"]
        ),
        .testTarget(
            name: "TandemRelayTests",
            dependencies: [
                "TandemRelay", "TandemProtocol", "TandemStore", "TandemChat", "TandemTesting", "TandemSlackTesting", "TandemRuntimeTesting",
                "TandemLoopbackTesting", "tandem",
            ]),
        // A loopback fake of Zulip's API (events queues, messages, rate limits) for the Zulip transport's tests.
        .target(name: "TandemZulipTesting", dependencies: ["TandemLoopbackTesting"], path: "Tests/TandemZulipTesting"),
        // The Zulip transport, its renderer, the fake itself, and the whole bot (the real binary) through the fake.
        .testTarget(
            name: "TandemZulipTests",
            dependencies: [
                "TandemZulipTesting", "TandemLoopbackTesting", "TandemRuntimeTesting", "TandemRuntime", "TandemChat", "TandemCore",
                "TandemStore", "TandemTesting", "tandem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        // The Matrix transport and the whole bot against a real Synapse; needs Deploy/setup.sh's venv.
        .testTarget(
            name: "TandemMatrixTests",
            dependencies: [
                "TandemMatrixTesting", "TandemRuntimeTesting", "TandemRuntime", "TandemChat", "TandemCore", "TandemStore",
                "TandemTesting", "tandem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            exclude: ["Synapse"]),
        // A loopback fake of Mattermost's REST API v4 (users, channels, posts, rate limits), for the Mattermost transport.
        .target(
            name: "TandemMattermostTesting", dependencies: ["TandemLoopbackTesting"], path: "Tests/TandemMattermostTesting"),
        // The Mattermost transport, its fake, and the whole bot (the real binary) against the fake.
        .testTarget(
            name: "TandemMattermostTests",
            dependencies: [
                "TandemMattermostTesting", "TandemRuntimeTesting", "TandemRuntime", "TandemChat", "TandemCore", "TandemTesting", "tandem",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
