import Testing
@testable import TandemLocal

@Suite("ChatDirectory: channels and configuration checks")
struct ChatDirectoryTests {
    @Test func derivesOneDirectChannelPerPersonAndBot() throws {
        let directory = try ChatDirectory(configuration: Fixtures.configuration())
        #expect(directory.channels.map(\.id) == [
            "general", "campaigns", "dm-alice-tandem", "dm-bob-tandem", "dm-carol-tandem",
        ])
        #expect(directory.channels(visibleTo: "alice").map(\.id) == ["general", "campaigns", "dm-alice-tandem"])
        #expect(directory.channels(visibleTo: "tandem").count == 5)
        #expect(directory.defaultChannelID == "general")
    }

    @Test func directChannelIsNamedAfterTheOtherMember() throws {
        let directory = try ChatDirectory(configuration: Fixtures.configuration())
        let dm = try #require(directory.channel(id: "dm-alice-tandem", visibleTo: "alice"))
        #expect(directory.displayName(of: dm, for: "alice") == "Tandem")
        #expect(directory.displayName(of: dm, for: "tandem") == "Alice")
        #expect(directory.channel(id: "dm-alice-tandem", visibleTo: "bob") == nil)
    }

    struct BadConfiguration: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let participants: [LocalParticipant]
        let channels: [LocalChannel]
        let expected: String
    }

    static let badConfigurations = [
        BadConfiguration(
            testDescription: "no channels",
            participants: [Fixtures.alice],
            channels: [],
            expected: "configure at least one public channel"
        ),
        BadConfiguration(
            testDescription: "duplicate id",
            participants: [Fixtures.alice, LocalParticipant(id: "alice", name: "A2", token: "t2", role: "", isBot: false)],
            channels: [Fixtures.general],
            expected: "duplicate participant id \"alice\""
        ),
        BadConfiguration(
            testDescription: "shared token",
            participants: [Fixtures.alice, LocalParticipant(id: "a2", name: "A2", token: "token-alice", role: "", isBot: false)],
            channels: [Fixtures.general],
            expected: "participant \"a2\" shares its token with another participant"
        ),
        BadConfiguration(
            testDescription: "channel clashes with a DM",
            participants: [Fixtures.alice, Fixtures.bot],
            channels: [Fixtures.general, LocalChannel(id: "dm-alice-tandem", name: "x")],
            expected: "duplicate channel id \"dm-alice-tandem\""
        ),
    ]

    @Test(arguments: badConfigurations)
    func refusesConfigurationsItCannotServe(_ bad: BadConfiguration) {
        let configuration = LocalEndpointConfiguration(participants: bad.participants, channels: bad.channels)
        #expect(throws: LocalEndpointError(bad.expected)) {
            try ChatDirectory(configuration: configuration)
        }
    }
}
