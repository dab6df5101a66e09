import Foundation

/// How surely a word names a field. A question may hold several field words ("when does the offer end?");
/// the surest one wins.
enum FieldStrength: Int, Comparable, Sendable {
    /// Question words that only hint at a field: "when", "who", "läuft".
    case weak
    /// A field word found at the end of a German compound ("Frühlings*angebot*").
    case compound
    /// A noun or phrase that names the field: "promo code", "Einwände".
    case strong

    static func < (a: FieldStrength, b: FieldStrength) -> Bool { a.rawValue < b.rawValue }
}

/// A field phrase found in a question, as a range of its tokens.
struct FieldMatch: Sendable, Equatable {
    var range: Range<Int>
    var field: CampaignField
    var strength: FieldStrength
}

/// The words people use for each field, in English and German, and the words that carry no meaning.
///
/// Everything is matched on folded words (`TextFolding.words`), so "Einwände", "einwaende" and "EINWANDE"
/// are one word, and "don't" is the two words "don" and "t".
enum FieldVocabulary {
    struct Phrase: Sendable {
        var words: [String]
        var field: CampaignField
        var strength: FieldStrength
    }

    // "target" alone means the segment (who to sell to, what Sales asks most); only the number phrases
    // ("target numbers", "mql target") mean the KPI. "launch" and "promo" are left out: they are too common
    // in campaign names. Longer phrases win over shorter ones at the same place.
    private static let strongTable: [(CampaignField, String)] = [
        (.offer, "offer|offers|deal|deals|discount|discounts|special offer|angebot|angebote|rabatt|rabatte|aktion"),
        (.promoCode, "promo code|promo codes|promocode|coupon|coupons|coupon code|code|codes|voucher|voucher code|"
            + "discount code|gutschein|gutscheincode|gutschein code|rabattcode|rabatt code|aktionscode|aktions code"),
        (.dates, "dates|date|timeline|timing|time frame|timeframe|zeitraum|laufzeit|datum|termine|zeitplan"),
        (.start, "start|starts|starting|start date|begin|begins|beginning|kick off|kickoff|go live|goes live|"
            + "launch date|beginn|beginnt|startet|anfang|ab wann|wann geht es los|wann gehts los"),
        (.end, "end|ends|ending|end date|finish|finishes|until when|expire|expires|expiry|valid until|last day|"
            + "ende|endet|bis wann|gultig bis|ablauf|lauft aus|letzter tag"),
        (.talkingPoints, "talking points|talking point|pitch|sales pitch|talk track|what do i say|what should i say|"
            + "what to say|how do i pitch|arguments|gesprachspunkte|argumente|verkaufsargumente|was sage ich|"
            + "was soll ich sagen"),
        (.objections, "objections|objection|objection handling|pushback|push back|concerns|einwande|einwand|"
            + "einwandbehandlung|bedenken"),
        (.assets, "assets|asset|deck|decks|slides|slide|landing page|landingpage|material|materials|materialien|"
            + "collateral|one pager|onepager|templates|template|call script|script|faq|presentation|unterlagen|"
            + "folien|prasentation|vorlagen|broschure|flyer"),
        (.owner, "owner|owns|owned|who owns|who runs|who is responsible|responsible|contact|contact person|"
            + "point of contact|who do i ask|verantwortlich|verantwortliche|verantwortlicher|ansprechpartner|"
            + "ansprechpartnerin|zustandig|wen frage ich|wen soll ich fragen"),
        (.segment, "segment|segments|target|target audience|target group|target segment|audience|who is it for|"
            + "who s it for|for whom|who to sell to|icp|persona|personas|zielgruppe|zielgruppen|fur wen|zielkunden|"
            + "branche"),
        (.exclusions, "exclusions|exclusion|excluded|exclude|not eligible|ausschlusse|ausschluss|ausgeschlossen"),
        (.doNotSay, "do not say|don t say|dont say|not say|never say|must not say|avoid|do not mention|no go|"
            + "no gos|nicht sagen|vermeiden|tabu|tabus|nicht erwahnen|verboten"),
        (.keyMessages, "key messages|key message|messaging|messages|core message|kernbotschaften|kernbotschaft|"
            + "botschaften|botschaft|kernaussagen"),
        (.proofPoints, "proof|proof points|proof point|case study|case studies|references|reference|"
            + "customer stories|evidence|belege|beleg|referenzen|referenz|nachweise"),
        (.discoveryQuestions, "discovery questions|discovery|questions to ask|what to ask|what should i ask|"
            + "qualifying questions|questions|fragen|fragen an den kunden|was frage ich"),
        (.kpi, "kpi|kpis|goal|goals|target numbers|target number|mql target|pipeline target|lead target|metrics|"
            + "ziel|ziele|kennzahl|kennzahlen|zielwerte"),
        (.objective, "objective|objectives|aim|purpose|zweck|zielsetzung"),
        (.whyNow, "why now|trigger|pain|pain points|warum jetzt|wieso jetzt|weshalb jetzt|ausloser"),
        (.oneLiner, "one liner|oneliner|one line|in a nutshell|elevator pitch|tagline|claim|in einem satz|kurz gesagt"),
        (.channels, "channels|channel|kanale|kanal"),
        (.competitors, "competitors|competitor|competition|vs|versus|battlecard|battle card|wettbewerb|"
            + "wettbewerber|konkurrenz|konkurrent|konkurrenten|mitbewerber"),
        (.status, "status|live|is it live|still on|stand"),
        (.salesNotes, "sales notes|notes|feedback|lead quality|what did sales say|notizen|ruckmeldung|"
            + "ruckmeldungen|anmerkungen"),
    ]

    /// Question words: they say what kind of answer is wanted but not which field, so any surer word wins,
    /// and on their own (without a campaign) they do not make a message a question ("who are you?").
    private static let weakTable: [(CampaignField, String)] = [
        (.dates, "when|wann|how long|wie lange|run|runs"),
        (.owner, "who|wer"),
        (.whyNow, "why|warum"),
        (.channels, "where|wo"),
        (.status, "running|active|lauft|aktiv|noch aktiv"),
    ]

    static let phrases: [Phrase] = {
        func expand(_ table: [(CampaignField, String)], _ strength: FieldStrength) -> [Phrase] {
            table.flatMap { field, list in
                list.split(separator: "|").flatMap { spelling -> [Phrase] in
                    let words = TextFolding.looseWords(spelling)
                    let phrase = Phrase(words: words, field: field, strength: strength)
                    // "talkingpoints", "promocode": people drop the space, so every phrase also matches joined.
                    guard words.count > 1 else { return [phrase] }
                    return [phrase, Phrase(words: [words.joined()], field: field, strength: strength)]
                }
            }
        }
        return expand(strongTable, .strong) + expand(weakTable, .weak)
    }()

    /// Phrases by their first word, longest first, so the greedy match takes "promo code" before "code".
    static let byFirstWord: [String: [Phrase]] = Dictionary(grouping: phrases) { $0.words[0] }
        .mapValues { $0.sorted { $0.words.count > $1.words.count } }

    /// Strong phrases by the first letter of their first word, longest first: a misspelt phrase keeps its first
    /// letter, so typo search only compares a token with phrases that start like it.
    static let strongByInitial: [Character: [Phrase]] = Dictionary(
        grouping: phrases.filter { $0.strength == .strong }, by: { $0.words[0].first ?? " " }
    ).mapValues { $0.sorted { $0.words.count > $1.words.count } }

    /// Strong single words long enough to be found at the end of a compound ("frühlingsangebot"), longest first,
    /// with their lengths counted once: splitting runs for every unknown word.
    static let compoundSuffixes: [(word: String, length: Int, field: CampaignField)] = phrases
        .filter { $0.strength == .strong && $0.words.count == 1 && $0.words[0].count >= 4 }
        .map { ($0.words[0], $0.words[0].count, $0.field) }
        .sorted { $0.length > $1.length }

    /// Words that say nothing about the campaign or the field: removed before the campaign search.
    /// Built from an array: a `Set` literal traps on duplicates, and English and German share some ("was", "an").
    static let stopWords = Set<String>([
        // English, including the pieces of contractions ("what's" → "what", "s").
        "what", "whats", "s", "t", "d", "re", "ll", "ve", "m", "is", "are", "was", "were", "be", "been", "the", "a",
        "an", "of", "for", "to", "in", "on", "at", "about", "with", "and", "or", "from", "by", "which", "this", "that",
        "these", "those", "there", "here", "it", "its", "i", "me", "my", "we", "us", "our", "you", "your", "they",
        "them", "their", "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may", "might",
        "must", "have", "has", "had", "get", "got", "give", "tell", "show", "know", "need", "want", "please", "pls",
        "plz", "thanks", "thank", "hey", "hi", "hello", "again", "just", "also", "so", "now", "current", "currently",
        "right", "any", "some", "how", "say", "ask", "exactly", "not", "no", "yet", "new", "latest", "campaign",
        "campaigns", "bot",
        // German.
        "wie", "was", "welche", "welcher", "welches", "welchen", "lautet", "lauten", "ist", "sind", "war", "der",
        "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "fur", "von", "vom", "zu", "zur",
        "zum", "im", "am", "an", "auf", "bei", "mit", "uber", "und", "oder", "gibt", "es", "gab", "ich", "du", "er",
        "sie", "wir", "ihr", "mir", "mich", "dir", "uns", "mein", "meine", "dein", "deine", "unser", "unsere", "hat",
        "haben", "hast", "kann", "kannst", "soll", "sollte", "sollen", "muss", "darf", "bitte", "mal", "denn",
        "eigentlich", "noch", "schon", "gerade", "jetzt", "aktuell", "aktuelle", "aktuellen", "nochmal", "danke",
        "hallo", "sag", "sage", "nenn", "zeig", "zeige", "gib", "hier", "da", "dazu", "nicht", "kein", "keine",
        "keinen", "auch", "nur", "aber", "wenn", "dann", "weil", "neu", "neue", "neuen", "genau", "kampagne",
        "kampagnen",
        // Common words one typo away from a field word ("offen" → "offer"), so never read as one.
        "offen", "stark",
    ])
}
