package io.streamrag.query.check;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language-aware lexical units for comparing an answer with its context without an analyser: English content
 * words (stop words dropped, light suffix stemming), Korean word stems (particles and common predicate endings
 * stripped) and Korean character bigrams, which survive the agglutination that defeats word matching.
 */
final class Lexicon {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’\\-]*");
    private static final Set<String> STOP = new java.util.HashSet<>(List.of((
            "a an the and or but if then than that this these those there here of in on at to for from by with about as "
                    + "into onto over under after before between through during without within is are was were be been being am "
                    + "do does did done has have had having will would shall should can could may might must it its it's they them "
                    + "their theirs he him his she her hers we us our you your i me my mine who whom whose which what when where "
                    + "why how all any both each few more most other some such only own same so too very just also not no nor "
                    + "yes per via up down out off again further once both either neither each every much many one "
                    + "according based context document documents provided given source sources passage passages text "
                    + "states stated mentioned says said answer information").split(" ")));
    /** Auxiliary predicates and fillers that carry no claim of their own. */
    private static final Set<String> KO_STOP = Set.of("있고", "있으며", "있는", "있어", "있을", "있다", "있습니", "없고", "없는",
            "없으며", "없습니", "합니", "됩니", "입니", "하며", "하고", "그리고", "또한", "경우", "정도", "대략", "가량", "통해",
            "위해", "대한", "따라", "같은", "이러한", "해당");
    private static final String[] KO_PARTICLES = {
            "에서부터", "으로부터", "에게서는", "이라는", "이라고", "에서는", "에서도", "으로는", "으로도", "에게는", "까지는", "부터는",
            "에서의", "과의", "와의", "이며", "이고", "에서", "으로", "에게", "한테", "까지", "부터", "보다", "처럼", "만큼", "라는",
            "라고", "이나", "이란", "에는", "에도", "와", "과", "은", "는", "이", "가", "을", "를", "의", "에", "로", "도", "만", "나", "란"};
    private static final String[] KO_ENDINGS = {
            "되었습니다", "하였습니다", "했습니다", "됐습니다", "있습니다", "없습니다", "합니다", "됩니다", "입니다", "습니다",
            "되었다", "하였다", "되어야", "해야", "하며", "하고", "하는", "하여", "해서", "했다", "한다", "된다", "되는", "되며",
            "되고", "이다", "였다", "이며", "하면", "되면",
            // the connective -지 of negated predicates (지원하지 않습니다 -> 지원) and nominal -기
            "하지", "되지", "하기", "되기",
            "한", "된", "할", "될", "해", "돼", "다"};

    private Lexicon() {
    }

    /** English content stems and Korean word stems of the text (its comparable words). */
    static List<String> stems(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String word = m.group().replace('’', '\'');
            if (isHangul(word)) {
                String stem = koreanStem(word);
                if (stem.length() >= 2 && !KO_STOP.contains(stem) && stem.chars().noneMatch(Character::isDigit)) {
                    out.add(stem);
                }
            } else if (word.chars().noneMatch(Character::isDigit)) {
                if (word.endsWith("'s")) {
                    word = word.substring(0, word.length() - 2);
                }
                if (word.length() > 1 && !STOP.contains(word)) {
                    out.add(englishStem(word));
                }
            }
        }
        return out;
    }

    static Set<String> hangulBigrams(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String w = m.group();
            for (int i = 0; i + 1 < w.length(); i++) {
                if (isHangul(w.charAt(i)) && isHangul(w.charAt(i + 1))) {
                    out.add(w.substring(i, i + 2));
                }
            }
        }
        return out;
    }

    static boolean isHangul(String word) {
        int hangul = 0;
        for (int i = 0; i < word.length(); i++) {
            if (isHangul(word.charAt(i))) {
                hangul++;
            }
        }
        return hangul * 2 > word.length();
    }

    static boolean isHangul(char c) {
        return c >= '\uAC00' && c <= '\uD7A3';
    }

    static String koreanStem(String word) {
        String stem = word;
        for (String ending : KO_ENDINGS) {
            if (stem.length() > ending.length() + 1 && stem.endsWith(ending)) {
                stem = stem.substring(0, stem.length() - ending.length());
                break;
            }
        }
        for (String particle : KO_PARTICLES) {
            if (stem.length() > particle.length() + 1 && stem.endsWith(particle)) {
                stem = stem.substring(0, stem.length() - particle.length());
                break;
            }
        }
        return stem;
    }

    /** A light stemmer: plural, past, gerund and adverb suffixes, then a final e (increase/increased/increasing). */
    static String englishStem(String word) {
        String w = word;
        if (w.length() > 4 && w.endsWith("ies")) {
            w = w.substring(0, w.length() - 3) + "y";
        } else if (w.length() > 4 && (w.endsWith("sses") || w.endsWith("xes") || w.endsWith("ches") || w.endsWith("shes"))) {
            w = w.substring(0, w.length() - 2);
        } else if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            w = w.substring(0, w.length() - 1);
        }
        if (w.length() > 7 && (w.endsWith("able") || w.endsWith("ible"))) {
            w = w.substring(0, w.length() - 4); // refundable -> refund
        } else if (w.length() > 5 && w.endsWith("ing")) {
            w = w.substring(0, w.length() - 3);
        } else if (w.length() > 4 && w.endsWith("ied")) {
            w = w.substring(0, w.length() - 3) + "y";
        } else if (w.length() > 4 && w.endsWith("ed")) {
            w = w.substring(0, w.length() - 2);
        } else if (w.length() > 5 && w.endsWith("ly")) {
            w = w.substring(0, w.length() - 2);
        }
        while (w.length() > 3 && w.endsWith("e")) {
            w = w.substring(0, w.length() - 1); // guarantee, guaranteed -> guarant
        }
        if (w.length() > 3 && w.charAt(w.length() - 1) == w.charAt(w.length() - 2) && !isVowel(w.charAt(w.length() - 1))) {
            w = w.substring(0, w.length() - 1); // stopped -> stopp -> stop
        }
        return w;
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }
}
