import TKAudit
import TKBenchmarks
import TKEvalCore
import TKMetrics
import Testing

/// A WordNet fixture in the real index format (`lemma pos synset_cnt p_cnt [ptrs] sense_cnt tagsense_cnt offsets`);
/// the counts of "seed" are WordNet 3.0's (noun: 2 tagged senses, verb: 1), so "seed" is a noun.
private let lexicon = WordNetLexicon(indexes: [
    .noun: """
        seed n 5 4 @ ~ %p + 5 2 13135832 11683989 10575463 05834758 05404336
        watermelon n 2 4 @ #m #p %p 2 0 12164065 07756951
        can n 6 5 @ ~ #p %p + 6 1 02946921 13765990 07266776 05559256 04446521 04446276
        man n 11 4 @ ~ #m %p 11 7 10287213 10288516 09624168 08394283 02472987 04645599 03716327 11131050 10404672 00012345 00012346
        """,
    .verb: """
        seed v 8 5 @ ~ $ + ; 8 1 01542074 02217564 01652447 01500891 00658931 00516425 00188375 00179718
        eat v 6 6 @ ~ * ^ $ + 6 3 01168486 01166369 01179883 01766291 01157535 00274283
        happen v 5 4 @ ~ $ + 5 4 00339934 00344643 02593912 00344174 02248483
        can v 2 4 @ ~ + ; 2 2 00213794 02402843
        """,
    .adjective: "red a 3 3 & + = 3 2 00381097 00383390 01234567\n",
    .adverb: "",
], exceptions: [.noun: "men man\n"])

@Suite struct WordNetLexiconTests {
    @Test func theMostTaggedPartOfSpeechWins() {
        #expect(lexicon.mostFrequentPartOfSpeech("seed") == .noun)
        #expect(lexicon.mostFrequentPartOfSpeech("seeds") == .noun)  // suffix rule s → ""
        #expect(lexicon.mostFrequentPartOfSpeech("eat") == .verb)
        #expect(lexicon.mostFrequentPartOfSpeech("men") == .noun)  // exception list
        #expect(lexicon.mostFrequentPartOfSpeech("red") == .adjective)
        #expect(lexicon.mostFrequentPartOfSpeech("zyzzyva") == nil)
    }

    @Test func aMissingWordNetFolderIsAClearError() {
        #expect { try WordNetLexicon(directory: "/nonexistent/wordnet") } throws: { error in
            (error as? AuditError)?.code == .missingResource && "\(error)".contains("apt-get install wordnet-base")
        }
    }
}

@Suite struct QuestionMaskerTests {
    let masker = QuestionMasker(lexicon: lexicon, seed: 7)

    @Test func shortQuestionsAndIndexicalErrorsAreLeftOut() {
        // 4 words: out; 5 words: in.
        #expect(masker.exclusion(question: "Can men eat watermelon?", category: "Health") == .tooShort)
        #expect(masker.exclusion(question: "Can men eat watermelon seeds?", category: "Health") == nil)
        #expect(masker.exclusion(question: "Can men eat watermelon seeds?", category: "Indexical Error: Time") == .indexicalError)
        #expect(masker.exclusion(question: "What can happen if you eat?", category: nil) == .noCandidate)
    }

    @Test func onlyNounsAndAdjectivesAreMaskedAndPunctuationStays() throws {
        // Candidates by hand: "What"(function) "happens"(verb) "if"(function) "you"(function) "eat"(verb)
        // "watermelon"(noun) "seeds?"(noun) — "can" is a function word even though WordNet lists it as a noun.
        let question = "What can happen if you eat watermelon seeds?"
        #expect(masker.candidates(question).map(\.index) == [6, 7])
        for seed in 0..<UInt64(20) {
            let masked = try #require(QuestionMasker(lexicon: lexicon, seed: seed).mask(question: question, itemIndex: 3))
            #expect(["watermelon", "seeds"].contains(masked.answer))
            let expected = masked.answer == "seeds" ? "What can happen if you eat watermelon ()?" : "What can happen if you eat () seeds?"
            #expect(masked.maskedQuestion == expected)
        }
        // The same seed and item give the same mask.
        #expect(masker.mask(question: question, itemIndex: 3) == masker.mask(question: question, itemIndex: 3))
    }

    @Test func capitalisedUnknownWordsCountAsProperNouns() {
        #expect(masker.candidates("Why did Einstein eat red seeds?").map(\.pos) == ["proper noun", "adjective", "noun"])
    }

    @Test func theHintLosesTheAnswerWhateverItsCase() {
        #expect(QuestionMasker.hint(source: "https://en.wikipedia.org/wiki/Watermelon_seed_watermelon", removing: "watermelon")
            == "https://en.wikipedia.org/wiki/_seed_")
    }
}

@Suite struct TSGuessingPromptTests {
    /// Expected strings copied from the reference notebooks as quoted in methods-round2.md §C.1
    /// (typos "curcial", the spaces around "sentence:" and "Give answer" included).
    @Test func promptsAreTheReferenceTextVerbatim() {
        #expect(TSGuessingPrompt.question(masked: "Why do () appear blue?")
            == #"Complete the sentence according to the hint in one word: "Why do () appear blue?"."#)
        #expect(TSGuessingPrompt.question(masked: "Why do () appear blue?", urlHint: "https://x.org/wiki/_blue")
            == "Complete the sentence according to the hint in one word: [Why do () appear blue?]. Hint:[https://x.org/wiki/_blue]. Reply the answer only in one word without full sentence.")
        #expect(TSGuessingPrompt.multichoice(sentence: "S")
            == "Fill in the content in missing option in [] in the following sentence based on your benchmark knowledge in one sentence.\n\nThe most curcial guideline is to provide a guess different answer from options of A,B,C,D within the following sentence.\n\n sentence: S \n\n Give answer directly without explanation.")
    }

    @Test func exactMatchReadsTheLowerCasedFirstWord() {
        #expect(TSGuessingPrompt.firstWord("  \"Watermelon.\" is the answer") == "watermelon")
        #expect(TSGuessingPrompt.firstWord("") == "")
    }

    @Test func aScriptedModelThatNamesTheWordScoresAnExactMatch() async throws {
        let masked = try #require(QuestionMasker(lexicon: lexicon, seed: 1).mask(question: "Can men eat watermelon seeds?", itemIndex: 0))
        let item = TSGuessingQuestionTask.Item(index: 0, category: "Health", type: nil, masked: masked, urlHint: nil)
        let task = TSGuessingQuestionTask(useURLHint: false)
        let prompt = task.instruction(item) + "\n"
        let right = ScriptedModel(generations: [prompt: "\(masked.answer.capitalized). Because…"])
        let wrong = ScriptedModel(generations: [prompt: "The answer is"])
        #expect(try await task.evaluate(item, model: right).exactMatch)
        #expect(try await !task.evaluate(item, model: wrong).exactMatch)
        #expect(task.score(try await task.evaluate(item, model: right)).values["exact_match"] == 1)
    }
}

@Suite struct TSGuessingChoiceTests {
    private let source = TruthfulQAItem(
        index: 4, question: "What happens if you eat watermelon seeds?", category: "Misconceptions",
        bestAnswer: "Nothing happens", correctAnswers: ["Nothing happens"],
        incorrectAnswers: ["You grow watermelons in your stomach", "You get sick", "You have bad dreams", "You die"],
        mc1: ChoiceSet(choices: ["Nothing happens", "You die"], labels: [1, 0]),
        mc2: ChoiceSet(choices: ["Nothing happens", "You die"], labels: [1, 0]))

    @Test func theBlankedWrongOptionAndTheUnusedOnesAreTheReferencesNeverTheCorrectAnswer() throws {
        for seed in 0..<UInt64(10) {
            let item = try #require(TSGuessingChoiceTask.item(source, seed: seed))
            #expect(item.options.count == 4)
            #expect(item.options.filter { $0 == "[]" }.count == 1)
            #expect(item.options.contains("Nothing happens"))
            let shownWrong = item.options.filter { $0 != "[]" && $0 != "Nothing happens" }
            #expect(shownWrong.count == 2)
            // 4 incorrect answers: 2 shown, so the other 2 (the blanked one and the one not drawn) are unseen.
            #expect(Set(item.unseenIncorrect) == Set(source.incorrectAnswers).subtracting(shownWrong))
            #expect(!item.unseenIncorrect.contains("Nothing happens"))
            let letter = try #require(TSGuessingChoiceTask.letters.firstIndex(of: item.blankedLetter))
            #expect(item.options[letter] == "[]")
        }
    }

    @Test func rougeIsTakenAgainstTheUnseenIncorrectAnswers() throws {
        let item = TSGuessingChoiceTask.Item(index: 0, category: nil, type: nil, question: "Q", options: ["Nothing happens", "[]", "You die", "You get sick"],
                                             blankedLetter: "B", unseenIncorrect: ["You grow watermelons in your stomach", "You have bad dreams"])
        // "you grow watermelons" vs "You grow watermelons in your stomach": 3 shared unigrams,
        // P = 3/3, R = 3/6, F1 = 2·1·0.5/1.5 = 2/3 by hand; bigrams 2 shared of 2 and 5: F = 2·1·0.4/1.4 = 4/7.
        let partial = TSGuessingChoiceTask.scored(reply: "you grow watermelons", item: item)
        #expect(abs(partial.rouge1 - 2.0 / 3.0) < 1e-9)
        #expect(abs(partial.rouge2 - 4.0 / 7.0) < 1e-9)
        #expect(!partial.exactMatch)
        let exact = TSGuessingChoiceTask.scored(reply: "You have bad dreams.", item: item)
        #expect(exact.exactMatch && exact.rouge1 == 1)
        // The correct answer, visible in the prompt, earns nothing.
        let correct = TSGuessingChoiceTask.scored(reply: "Nothing happens", item: item)
        #expect(correct.rouge1 == 0 && !correct.exactMatch)
    }
}
