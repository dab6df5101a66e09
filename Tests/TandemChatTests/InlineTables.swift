import TandemCore
import TandemTesting

/// Random inline trees drawn from tables of hostile words, addresses and ids: the input of the renderers' oracle
/// tests.
struct InlineTables {
    var words: [String]
    var urls: [String]
    var ids: [String]

    /// Up to four inlines; bold nests up to `depth` levels.
    func inlines(_ g: inout SplitMix64, depth: Int) -> [Inline] {
        (0..<g.next(5)).map { _ in
            switch g.next(depth > 0 ? 5 : 4) {
            case 0: .text(words[g.next(words.count)])
            case 1: .code(words[g.next(words.count)])
            case 2: .link(title: words[g.next(words.count)], url: urls[g.next(urls.count)])
            case 3: .mention(id: ids[g.next(ids.count)], name: words[g.next(words.count)])
            default: .bold(inlines(&g, depth: depth - 1))
            }
        }
    }
}
