import Foundation

extension CommandHandler {
    func handoffCreate(_ request: HandoffRequest, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        let o = Dictionary(request.options.map { (CampaignFields.key($0.key), $0.value) }, uniquingKeysWith: { $1 })
        let known: Set = ["company", "email", "phone", "campaign", "score", "priority", "consent", "title", "domain",
            "industry", "size", "region", "fit", "trigger", "language", "note"]
        if let unknown = request.options.keys.first(where: { !known.contains(CampaignFields.key($0)) }) {
            return .reply(RichText.paragraph(
                .text(language.pick("I don't know the option ", "Die Option kenne ich nicht: ")), .code(unknown + "="),
                .text(". " + language.pick("Options: ", "Optionen: ") + known.sorted().joined(separator: ", "))))
        }
        // Assignee: a sales rep, or the queue.
        var assignee: Member?
        if !TextFolding.word(request.to, isOneOf: ["queue", "warteschlange", "vertrieb", "sales"]) {
            guard let rep = team.member(named: request.to) else {
                return .reply(RichText.paragraph(
                    .text(language.pick("I don't know ", "Ich kenne ")), .code(request.to),
                    .text(language.pick(" on the team. Sales reps: ", " im Team nicht. Vertrieb: ")
                        + salesReps.map { "@" + $0.id }.joined(separator: ", ") + language.pick(", or queue.", " oder queue."))))
            }
            guard rep.roles.contains(.sales) || rep.roles.contains(.salesLead) else {
                return .reply(RichText.paragraph(
                    .text(rep.name), .text(language.pick(" is not in Sales. Hand leads to a rep or to ", " ist nicht im Vertrieb. Übergib an jemanden aus dem Vertrieb oder an ")),
                    .code("queue"), .text(".")))
            }
            assignee = rep
        }
        // Consent: never hand over a contact who may not be contacted, unless the marketer confirms it.
        let consent: Handoff.Consent
        switch o["consent"].map(TextFolding.fold) {
        case nil: consent = .unknown
        case "yes", "ja", "y": consent = .yes
        case "no", "nein", "n": consent = .no
        case "unknown", "unbekannt": consent = .unknown
        default: return .reply(usageLine("consent=yes|no|unknown", language))
        }
        if consent != .yes {
            return .reply(RichText.paragraph(
                .text(language.pick(
                    "I can only hand over contacts who agreed to be contacted. If \(request.leadName) did, add ",
                    "Ich übergebe nur Kontakte, die einer Kontaktaufnahme zugestimmt haben. Wenn \(request.leadName) zugestimmt hat, ergänze ")),
                .code("consent=yes"), .text(".")))
        }
        let priority: Handoff.Priority
        switch o["priority"].map(TextFolding.fold) {
        case nil: priority = .warm
        case "hot", "heiss": priority = .hot
        case "warm": priority = .warm
        case "cool", "cold", "kalt", "kuehl", "kuhl": priority = .cool
        default: return .reply(usageLine("priority=hot|warm|cool", language))
        }
        var score: Int?
        if let raw = o["score"] {
            guard let value = Int(raw), Self.leadScores.contains(value) else {
                return .reply(usageLine("score=\(Self.leadScores.lowerBound)…\(Self.leadScores.upperBound)", language))
            }
            score = value
        }
        var campaignID: String?
        if let raw = o["campaign"] {
            guard let campaign = state.campaign(id: raw) ?? uniqueCampaign(matching: raw, state: state) else {
                return noSuchCampaign(raw, state: state, context: context)
            }
            campaignID = campaign.id
        }
        let id = state.nextHandoffID
        let handoff = Handoff(
            id: id,
            contact: .init(name: request.leadName, title: o["title"], email: o["email"], phone: o["phone"], consent: consent, language: o["language"]),
            company: .init(name: o["company"], domain: o["domain"], industry: o["industry"], size: o["size"], region: o["region"], fitGrade: o["fit"]?.uppercased()),
            score: score, trigger: o["trigger"], campaign: campaignID, note: request.note ?? o["note"], priority: priority,
            from: context.sender.id, assignee: assignee?.id, createdAt: context.now,
            firstTouchDue: team.serviceLevels.due(from: context.now, priority: priority, zone: team.zone))
        let text = HandoffText(handoff: handoff, team: team, state: state)
        var replies = [Reply(body: text.confirmation(for: context.sender, now: context.now))]
        if let salesChannel = team.salesChannel {
            let reader = assignee ?? salesReps.first ?? context.sender
            replies.append(Reply(channel: salesChannel, body: text.announcement(for: reader)))
        }
        return Outcome(events: [.leadHandedOff(handoff)], replies: replies)
    }

    func handoffStep(
        _ action: HandoffAction, id: String, reason: String?, options: [String: String], state: TeamState, context: RequestContext
    ) -> Outcome {
        let language = context.language
        guard let handoff = state.handoff(id: id) else { return noSuchHandoff(id, context) }
        let me = context.sender
        let isLead = me.roles.contains(.salesLead) || me.roles.contains(.admin)
        let text = HandoffText(handoff: handoff, team: team, state: state)
        // Who may act on this particular handoff, beyond the command's roles.
        switch action {
        case .accept:
            if let assignee = handoff.assignee, assignee != me.id, !isLead {
                return .reply(text.notYours(language))
            }
        case .reject, .won, .lost:
            if handoff.assignee != me.id && !isLead { return .reply(text.notYours(language)) }
        case .recycle:
            break
        }
        let allowed: Set<Handoff.Status> =
            switch action {
            case .accept, .reject: [.pending]
            case .won, .lost: [.accepted]
            case .recycle: [.rejected, .lost]
            }
        guard allowed.contains(handoff.status) else {
            return .reply(text.illegal(action, language))
        }
        var step = HandoffStep(handoff: handoff.id, by: me.id, at: context.now)
        let words = reason.map { $0.split(separator: " ").map(String.init) } ?? []
        switch action {
        case .reject, .lost:
            guard let code = words.first.flatMap({ w in team.rejectReasons.first { TextFolding.fold($0) == TextFolding.fold(w) } })
            else {
                return .reply(RichText.paragraph(
                    .text(language.pick("Please give a reason: ", "Bitte nenne einen Grund: ")),
                    .code(team.rejectReasons.joined(separator: " | ")), .text(language.pick(", e.g. ", ", z. B. ")),
                    .code(language.pick("handoff \(action.rawValue) \(handoff.id) \(team.rejectReasons[0])",
                        "übergabe \(action == .reject ? "ablehnen" : "verloren") \(handoff.id) \(team.rejectReasons[0])"))))
            }
            step.reason = code
            let note = words.dropFirst().joined(separator: " ")
            step.note = note.isEmpty ? nil : note
        case .recycle:
            if let raw = options["revisit"] {
                guard let day = day(raw, context) else { return .reply(usageLine("revisit=2027-03-01", language)) }
                step.revisit = day
            }
            step.reason = reason
        case .accept, .won:
            step.note = reason
        }
        let event: DomainEvent =
            switch action {
            case .accept: .handoffAccepted(step)
            case .reject: .handoffRejected(step)
            case .won: .handoffWon(step)
            case .lost: .handoffLost(step)
            case .recycle: .handoffRecycled(step)
            }
        // The handoff as the event leaves it; campaigns (all the text reads from the state) do not change.
        let updated = HandoffText(handoff: state.handoff(after: event) ?? handoff, team: team, state: state)
        var replies = [Reply(body: updated.stepConfirmation(action, actor: me, reader: me, now: context.now))]
        // Marketing sees what Sales did with its lead, with the reason.
        if let marketer = team.member(id: handoff.from), marketer.id != me.id, let channel = team.salesChannel, channel != context.channel {
            replies.append(Reply(channel: channel, body: updated.stepConfirmation(action, actor: me, reader: marketer, now: context.now)))
        }
        return Outcome(events: [event], replies: replies)
    }

    func handoffReassign(id: String, to: String, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        guard let handoff = state.handoff(id: id) else { return noSuchHandoff(id, context) }
        guard handoff.status == .pending || handoff.status == .accepted else {
            return .reply(HandoffText(handoff: handoff, team: team, state: state).illegalReassign(language))
        }
        var assignee: Member?
        if !TextFolding.word(to, isOneOf: ["queue", "warteschlange"]) {
            guard let rep = team.member(named: to), rep.roles.contains(.sales) || rep.roles.contains(.salesLead) else {
                return .reply(RichText.paragraph(
                    .code(to), .text(language.pick(" is not a sales rep. Sales reps: ", " ist nicht im Vertrieb. Vertrieb: ")
                        + salesReps.map { "@" + $0.id }.joined(separator: ", "))))
            }
            if handoff.declinedBy.contains(rep.id) {
                return .reply(RichText.paragraph(
                    .text(rep.name), .text(language.pick(" declined this lead before; pick someone else.", " hat diesen Lead schon abgelehnt; bitte jemand anderen wählen."))))
            }
            assignee = rep
        }
        let step = HandoffStep(handoff: handoff.id, by: context.sender.id, at: context.now, assignee: assignee?.id)
        let text = HandoffText(handoff: state.handoff(after: .handoffReassigned(step)) ?? handoff, team: team, state: state)
        var replies = [Reply(body: RichText.paragraph(
            .code(handoff.id), .text(language.pick(" now goes to ", " geht jetzt an ")),
            assignee.map { .mention(id: $0.id, name: $0.name) } ?? .text(language.pick("the sales queue", "die Vertriebs-Warteschlange")),
            .text(".")))]
        if let channel = team.salesChannel, channel != context.channel {
            replies.append(Reply(channel: channel, body: text.announcement(for: assignee ?? context.sender)))
        }
        return Outcome(events: [.handoffReassigned(step)], replies: replies)
    }

    func handoffShow(id: String, state: TeamState, context: RequestContext) -> Outcome {
        guard let handoff = state.handoff(id: id) else { return noSuchHandoff(id, context) }
        return .reply(HandoffText(handoff: handoff, team: team, state: state).details(for: context.sender, now: context.now))
    }

    func handoffList(_ filter: HandoffFilter, state: TeamState, context: RequestContext) -> Outcome {
        let language = context.language
        let me = context.sender
        let handoffs = state.handoffs
        // Positions from the state's indexes, not copies or scans: a handoff is a dozen strings and arrays, and
        // reading every open one of a big state would make a list as slow as the state is large. Only the 30
        // shown are read.
        let title: String
        // How many match, and the newest 30 of them.
        let (count, newest): (Int, [Int])
        func select(_ positions: some BidirectionalCollection<Int>) -> (Int, [Int]) {
            (positions.count, Self.largest(30, of: positions))
        }
        switch filter {
        case .mine:
            title = language.pick("Your open handoffs", "Deine offenen Übergaben")
            var mine = state.openHandoffPositions(assignee: me.id)
            if !me.roles.contains(.sales) { mine.formUnion(state.openHandoffPositions(from: me.id)) }
            (count, newest) = select(Array(mine))
        case .open:
            title = language.pick("Open handoffs", "Offene Übergaben")
            (count, newest) = select(Array(state.openHandoffs))
        case .overdue:
            title = language.pick("Overdue handoffs", "Überfällige Übergaben")
            (count, newest) = select(state.overdueHandoffPositions(at: context.now))
        case .campaign(let raw):
            guard let campaign = state.campaign(id: raw) ?? uniqueCampaign(matching: raw, state: state) else {
                return noSuchCampaign(raw, state: state, context: context)
            }
            title = language.pick("Handoffs for ", "Übergaben für ") + campaign.name
            (count, newest) = select(state.handoffPositions(campaign: campaign.id))
        case .member(let raw):
            guard let member = team.member(named: raw) else {
                return .reply(RichText.paragraph(.text(language.pick("I don't know ", "Ich kenne ")), .code(raw),
                    .text(language.pick(". Try ", " nicht. Versuch ")), .code(language.pick("handoffs open", "übergaben offen"))))
            }
            title = language.pick("Open handoffs of ", "Offene Übergaben von ") + member.name
            (count, newest) = select(Array(state.openHandoffPositions(assignee: member.id)))
        }
        guard count > 0 else {
            return .reply(RichText.paragraph(.bold([.text(title)]), .text(": " + language.pick("none.", "keine."))))
        }
        var text = RichText.paragraph(.bold([.text(title)]), .text(" (\(count))"))
        // Through a buffer pointer, whose subscript lends an element: an array's copies it (every string retained).
        text.add(.bullets(handoffs.withUnsafeBufferPointer { handoffs in
            newest.map { HandoffText.line(handoffs[$0], team: team, for: me, now: context.now) }
        }))
        if count > 30 { text.add(.text(language.pick("Showing the newest 30.", "Die neuesten 30."))) }
        return .reply(text)
    }

    /// The `k` largest of `values`, largest first, without sorting them all: a min-heap of the `k` largest so
    /// far, so a value costs at most O(log k). Read from the end: lists come roughly oldest first (overdue
    /// handoffs by due time), so the largest are met first and most of the rest is passed over by one comparison.
    static func largest(_ k: Int, of values: some BidirectionalCollection<Int>) -> [Int] {
        guard values.count > k else { return values.sorted(by: >) }
        let values = values.reversed()
        var heap = Array(values.prefix(k))
        func siftDown(from start: Int) {
            var i = start
            while true {
                let left = 2 * i + 1, right = left + 1
                var smallest = i
                if left < k, heap[left] < heap[smallest] { smallest = left }
                if right < k, heap[right] < heap[smallest] { smallest = right }
                if smallest == i { return }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
        for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(from: i) }
        for value in values.dropFirst(k) where value > heap[0] {
            heap[0] = value
            siftDown(from: 0)
        }
        return heap.sorted(by: >)
    }

    // MARK: - Helpers

    /// Lead scores run from 0 to 100 in Tandem. The usage line is written from this range, so what the bot
    /// says and what it accepts cannot part.
    static let leadScores = 0...100

    var salesReps: [Member] { team.members.filter { $0.roles.contains(.sales) || $0.roles.contains(.salesLead) } }

    func uniqueCampaign(matching text: String, state: TeamState) -> Campaign? {
        let complete = state.campaignSearch.search(text).filter(\.isComplete)
        return complete.count == 1 ? state.campaigns[complete[0].position] : nil
    }

    func noSuchHandoff(_ id: String, _ context: RequestContext) -> Outcome {
        let language = context.language
        return .reply(RichText.paragraph(
            .text(language.pick("There is no handoff ", "Es gibt keine Übergabe ")), .code(id),
            .text(language.pick(". See yours with ", ". Deine siehst du mit ")), .code(language.pick("handoffs", "übergaben")), .text(".")))
    }

    func usageLine(_ option: String, _ language: Language) -> RichText {
        RichText.paragraph(.text(language.pick("Please write it as ", "Bitte so schreiben: ")), .code(option), .text("."))
    }
}
