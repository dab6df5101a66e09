import Foundation
import TandemCore

/// Where the store's model meets the JSON engine: how a snapshot is read fast. The engine (`StateJSONDecoder`)
/// knows only JSON; the models' `Codable` conformances define the format; this file only adds speed, and every
/// shortcut here reads what `Codable` reads (`StateFormatTests`).
///
/// - Handoffs and campaigns are the long arrays of a snapshot: their parts decode on all cores, and handoffs are
///   read straight from the tape (`HandoffTapeReader`).
/// - A team state's indexes are built at once on several threads: the campaign search index and the handoffs by
///   campaign each on a thread of its own while this one indexes the open handoffs.
enum StateLoading {
    /// The decoding the store asks of `StateJSONDecoder` for its files.
    static let overrides: DecodingOverrides = {
        var overrides = DecodingOverrides()
        overrides.decode(TeamState.self, with: teamState(from:))
        return overrides
    }()

    /// `TeamState.init(from:)`, its indexes built concurrently: the search index from the moment the campaigns
    /// are decoded, while the handoffs are.
    static func teamState(from decoder: any Decoder) throws -> TeamState {
        // Each thread gets its own reference to an array, dropped before `value` returns: a reference left behind
        // would make the first handoff the journal adds copy all of them.
        let campaigns = try TeamState.Records.campaigns(from: decoder)
        let search = Background { CampaignSearchIndex(campaigns: campaigns) }
        let records: TeamState.Records
        do {
            records = try TeamState.Records(from: decoder, campaigns: campaigns)
        } catch {
            _ = search.value  // never leaves a thread running
            throw error
        }
        let handoffs = records.handoffs
        let byCampaign = Background {
            Result { () throws(TeamState.MisnumberedHandoff) in try TeamState.HandoffsByCampaign(handoffs) }
        }
        let open = TeamState.OpenHandoffs(records.handoffs)
        do {
            let indexes = TeamState.Indexes(search: search.value, byCampaign: try byCampaign.value.get(), open: open)
            return TeamState(records, indexes: indexes)
        } catch {
            _ = search.value  // never leaves a thread running
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath + [TeamState.Records.CodingKeys.handoffs],
                    debugDescription: error.description))
        }
    }
}

extension Handoff: ConcurrentlyDecodable {
    static func read(_ tape: TapeStorage, at index: Int, into slot: UnsafeMutablePointer<Handoff>) -> Bool {
        guard let handoff = HandoffTapeReader.read(tape, at: index) else { return false }
        slot.initialize(to: handoff)
        return true
    }
}

extension Campaign: ConcurrentlyDecodable {}
