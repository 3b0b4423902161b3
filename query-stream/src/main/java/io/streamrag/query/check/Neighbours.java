package io.streamrag.query.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words that go with each number in a sentence: a few content words on each side, stopping at another
 * number or a conjunction, so that "Physics in 1903 and Chemistry in 1911" ties Physics to 1903 and Chemistry to 1911.
 */
final class Neighbours {

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}.,'’\\-]*");
    private static final Pattern NUMBER = Pattern.compile("^\\d[\\d,]*(?:\\.\\d+)?");
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.,]+$");

    private Neighbours() {
    }

    static List<String> words(String sentence) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(Quantities.expandKorean(sentence));
        while (m.find()) {
            String token = m.group();
            out.add(TRAILING_PUNCTUATION.matcher(token).replaceAll(""));
            if (token.endsWith(",")) {
                out.add(",");
            }
        }
        return out;
    }

    /** Number (digits, no separators) to the units of up to {@code reach} content words on each side. */
    static Map<String, Set<String>> around(String sentence, int reach) {
        List<String> tokens = words(sentence);
        Map<String, Set<String>> out = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Matcher n = NUMBER.matcher(tokens.get(i));
            if (!n.find() || n.group().replace(",", "").length() < 2) {
                continue; // single digits are too common to anchor anything
            }
            Set<String> near = new HashSet<>();
            collect(tokens, i, -1, near, reach);
            collect(tokens, i, +1, near, reach);
            out.computeIfAbsent(n.group().replace(",", ""), k -> new HashSet<>()).addAll(near);
        }
        return out;
    }

    private static final Set<String> BOUNDARY = Set.of(",", "and", "or", "while", "whereas", "but", "및", "그리고", "또는");

    private static void collect(List<String> tokens, int from, int step, Set<String> near, int reach) {
        int found = 0;
        for (int j = from + step; j >= 0 && j < tokens.size() && found < reach; j += step) {
            if (NUMBER.matcher(tokens.get(j)).find() || BOUNDARY.contains(tokens.get(j).toLowerCase(java.util.Locale.ROOT))) {
                return;
            }
            Set<String> units = SentenceGroundednessChecker.units(tokens.get(j));
            if (!units.isEmpty()) {
                near.addAll(units);
                found++;
            }
        }
    }
}
