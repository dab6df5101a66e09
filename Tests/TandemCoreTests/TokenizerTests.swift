import Testing
import TandemCore

struct TokenizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: String
        let words: [String]
        let options: [String: String]
        var testDescription: String { input }
    }

    @Test(arguments: [
        Case(input: "campaign show spring-launch", words: ["campaign", "show", "spring-launch"], options: [:]),
        Case(input: "  spaced   out  ", words: ["spaced", "out"], options: [:]),
        Case(input: "campaign add \"Spring Launch\" owner=Mia", words: ["campaign", "add", "Spring Launch"], options: ["owner": "Mia"]),
        Case(input: "x note=\"two words\" Score=80", words: ["x"], options: ["note": "two words", "score": "80"]),
        Case(input: "kampagne „Frühjahr 2027“", words: ["kampagne", "Frühjahr 2027"], options: [:]),
        Case(input: "what's the offer?", words: ["what's", "the", "offer?"], options: [:]),
        Case(input: "\"a=b\" c", words: ["a=b", "c"], options: [:]),
        Case(input: "unclosed \"quote here", words: ["unclosed", "quote here"], options: [:]),
        Case(input: "=x", words: ["=x"], options: [:]),
        Case(input: "", words: [], options: [:]),
    ])
    func splitsWordsAndOptions(_ c: Case) {
        let result = Tokenizer.tokenize(c.input)
        #expect(result.words == c.words)
        #expect(result.options == c.options)
    }
}
