package io.streamrag.platform.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits text into sentences for English and Korean alike. The JDK's sentence BreakIterator handles
 * abbreviations and decimals; on top of it, lines (headings, list items) never run into each other and Korean
 * sentence endings without a following space ("...습니다.다음") still split.
 */
public final class Sentences {

    private static final Pattern LINE_BREAKS = Pattern.compile("\\R\\s*\\R|\\R(?=\\s*(?:[-*+•#>]|\\d+[.)]\\s))");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern KOREAN_JOINED = Pattern.compile("(?<=[다요죠까][.!?])(?=[가-힣A-Za-z])|(?<=[다요죠까][.!?])\\s+(?=[\\d\"'(\\[])");

    /** Words ending in a period that rarely end a sentence: a break after them is undone. */
    private static final Pattern ABBREVIATION = Pattern.compile(
            "(?i)(?:^|\\s)(?:dr|mr|mrs|ms|prof|sr|jr|st|vs|etc|e\\.g|i\\.e|no|fig|inc|ltd|co|approx|u\\.s|[a-z])\\.$");

    private Sentences() {
    }

    public static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return sentences;
        }
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT); // setText resets it for each block
        for (String block : LINE_BREAKS.split(text)) {
            String flat = WHITESPACE.matcher(block).replaceAll(" ").strip();
            if (flat.isEmpty()) {
                continue;
            }
            int blockStart = sentences.size();
            iterator.setText(flat);
            int start = iterator.first();
            for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
                for (String piece : KOREAN_JOINED.split(flat.substring(start, end))) {
                    String sentence = piece.strip();
                    if (sentence.isEmpty()) {
                        continue;
                    }
                    int last = sentences.size() - 1;
                    if (last >= blockStart && ABBREVIATION.matcher(sentences.get(last)).find()) {
                        sentences.set(last, sentences.get(last) + " " + sentence);
                    } else {
                        sentences.add(sentence);
                    }
                }
            }
        }
        return sentences;
    }
}
