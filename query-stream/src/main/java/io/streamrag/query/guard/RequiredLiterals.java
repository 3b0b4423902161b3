package io.streamrag.query.guard;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sets of literal strings such that every match of a regular expression contains one literal of each set, derived
 * from the expression itself: when a text misses every literal of one set the pattern cannot match it, so the
 * screen skips running it. For {@code (?:ignore|forget) .{0,9}rules} the sets are {ignore, forget} and {rules}.
 *
 * <p>Understands the syntax the screen's patterns use (literals, escapes, character classes, groups, alternation,
 * quantifiers, lookaround, the m/s/d flags). Anything else, such as case-insensitive matching or back-references
 * to literals, makes it give up and return no sets, and a pattern without sets is always run.
 */
final class RequiredLiterals {

    /** Largest set of alternatives tracked exactly; beyond it a sequence is split into shorter required runs. */
    private static final int MAX_EXACT = 64;

    /**
     * What a piece of a pattern can match: every string exactly, or else sets of which each match contains a
     * member of every one ({@code all}, empty when nothing is known).
     */
    private record Info(Set<String> exact, List<Set<String>> all) {
    }

    private static final Info ANY = new Info(null, List.of());
    private static final Info EMPTY = new Info(Set.of(""), List.of());

    private RequiredLiterals() {
    }

    /** The sets of literals, or none when nothing can be proven and the pattern must always be run. */
    static List<List<String>> of(Pattern pattern) {
        if ((pattern.flags() & ~(Pattern.MULTILINE | Pattern.DOTALL | Pattern.UNIX_LINES)) != 0) {
            return List.of();
        }
        try {
            Parser parser = new Parser(pattern.pattern());
            Info info = parser.alternation();
            if (parser.pos != parser.s.length()) {
                return List.of();
            }
            Set<List<String>> sets = new LinkedHashSet<>();
            for (Set<String> set : requirements(info)) {
                sets.add(minimal(set));
            }
            return List.copyOf(sets);
        } catch (Unsupported | IndexOutOfBoundsException e) {
            return List.of();
        }
    }

    /**
     * The literal sets of many patterns, looked up in one pass over a text: which patterns may match it. A pattern
     * without sets may match any text; one with sets only a text holding a literal of each of them.
     */
    static final class Index {
        private final int patterns;
        /** For each pattern, the ids of its sets. */
        private final int[][] setsOf;
        /** One-character literals: the ids of the sets they belong to. */
        private final Map<Character, BitSet> single = new HashMap<>();
        /** Longer literals by their first two characters, with the ids of the sets they belong to. */
        private final Map<Integer, List<Map.Entry<String, BitSet>>> byPair = new HashMap<>();

        Index(List<List<List<String>>> setsPerPattern) {
            this.patterns = setsPerPattern.size();
            this.setsOf = new int[patterns][];
            Map<String, BitSet> owners = new LinkedHashMap<>();
            int id = 0;
            for (int p = 0; p < patterns; p++) {
                List<List<String>> sets = setsPerPattern.get(p);
                setsOf[p] = new int[sets.size()];
                for (int k = 0; k < sets.size(); k++) {
                    int set = id++;
                    setsOf[p][k] = set;
                    for (String literal : sets.get(k)) {
                        if (literal.isEmpty()) {
                            throw new IllegalArgumentException("empty literal in pattern " + p);
                        }
                        owners.computeIfAbsent(literal, l -> new BitSet()).set(set);
                    }
                }
            }
            owners.forEach((literal, sets) -> {
                if (literal.length() == 1) {
                    single.put(literal.charAt(0), sets);
                } else {
                    byPair.computeIfAbsent(pair(literal, 0), c -> new ArrayList<>()).add(Map.entry(literal, sets));
                }
            });
        }

        private static int pair(String text, int i) {
            return text.charAt(i) << 16 | text.charAt(i + 1);
        }

        /** The patterns that may match the text. */
        BitSet candidates(String text) {
            BitSet found = new BitSet();
            for (int i = 0; i < text.length(); i++) {
                BitSet one = single.get(text.charAt(i));
                if (one != null) {
                    found.or(one);
                }
                List<Map.Entry<String, BitSet>> starting = i + 1 < text.length() ? byPair.get(pair(text, i)) : null;
                if (starting == null) {
                    continue;
                }
                for (Map.Entry<String, BitSet> e : starting) {
                    if (text.startsWith(e.getKey(), i)) {
                        found.or(e.getValue());
                    }
                }
            }
            BitSet out = new BitSet(patterns);
            for (int p = 0; p < patterns; p++) {
                boolean all = true;
                for (int set : setsOf[p]) {
                    if (!found.get(set)) {
                        all = false;
                        break;
                    }
                }
                out.set(p, all);
            }
            return out;
        }
    }

    private static List<Set<String>> requirements(Info info) {
        if (info.exact() != null) {
            return info.exact().contains("") ? List.of() : List.of(info.exact());
        }
        return info.all();
    }

    /** The most selective single requirement, or null. */
    private static Set<String> required(Info info) {
        Set<String> best = null;
        for (Set<String> set : requirements(info)) {
            best = better(best, set);
        }
        return best;
    }

    /** The more selective of two requirements: longer shortest literal, then fewer literals. */
    private static Set<String> better(Set<String> a, Set<String> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int minA = a.stream().mapToInt(String::length).min().orElse(0);
        int minB = b.stream().mapToInt(String::length).min().orElse(0);
        if (minA != minB) {
            return minA > minB ? a : b;
        }
        return a.size() <= b.size() ? a : b;
    }

    /** Drops literals that contain another one: finding the shorter one is already enough. */
    private static List<String> minimal(Set<String> literals) {
        List<String> out = new ArrayList<>();
        for (String l : literals) {
            boolean redundant = false;
            for (String other : literals) {
                if (!other.equals(l) && l.contains(other)) {
                    redundant = true;
                    break;
                }
            }
            if (!redundant) {
                out.add(l);
            }
        }
        return List.copyOf(out);
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        Info alternation() {
            List<Info> branches = new ArrayList<>();
            branches.add(sequence());
            while (pos < s.length() && s.charAt(pos) == '|') {
                pos++;
                branches.add(sequence());
            }
            if (branches.size() == 1) {
                return branches.getFirst();
            }
            Set<String> exact = new LinkedHashSet<>();
            for (Info b : branches) {
                if (b.exact() == null || exact.size() + b.exact().size() > MAX_EXACT) {
                    exact = null;
                    break;
                }
                exact.addAll(b.exact());
            }
            if (exact != null) {
                return new Info(exact, List.of());
            }
            Set<String> union = new LinkedHashSet<>();
            for (Info b : branches) {
                Set<String> r = required(b);
                if (r == null) {
                    return ANY;
                }
                union.addAll(r);
            }
            return new Info(null, List.of(union));
        }

        /** A run of pieces: adjacent exact pieces combine while small; every run and piece adds its requirements. */
        Info sequence() {
            Set<String> run = Set.of("");
            boolean allExact = true;
            List<Set<String>> all = new ArrayList<>();
            while (pos < s.length() && s.charAt(pos) != '|' && s.charAt(pos) != ')') {
                Info piece = quantified(atom());
                if (piece.exact() != null && run.size() * piece.exact().size() <= MAX_EXACT) {
                    Set<String> next = new LinkedHashSet<>();
                    for (String a : run) {
                        for (String b : piece.exact()) {
                            next.add(a + b);
                        }
                    }
                    run = next;
                    continue;
                }
                allExact = false;
                all.addAll(requirements(new Info(run, List.of())));
                if (piece.exact() != null) {
                    run = piece.exact();
                } else {
                    all.addAll(piece.all());
                    run = Set.of("");
                }
            }
            if (allExact) {
                return new Info(run, List.of());
            }
            all.addAll(requirements(new Info(run, List.of())));
            return new Info(null, List.copyOf(all));
        }

        Info quantified(Info atom) {
            if (pos >= s.length()) {
                return atom;
            }
            char c = s.charAt(pos);
            int min;
            if (c == '?' || c == '*' || c == '+') {
                pos++;
                min = c == '+' ? 1 : 0;
                if (c == '?' && atom.exact() != null) {
                    skipLazyOrPossessive();
                    Set<String> optional = new LinkedHashSet<>(atom.exact());
                    optional.add("");
                    return new Info(optional, List.of());
                }
            } else if (c == '{') {
                int close = s.indexOf('}', pos);
                String[] bounds = s.substring(pos + 1, close).split(",", -1);
                min = Integer.parseInt(bounds[0]);
                boolean once = bounds.length == 1 ? min == 1 : min == 1 && bounds[1].equals("1");
                pos = close + 1;
                if (once) {
                    skipLazyOrPossessive();
                    return atom;
                }
            } else {
                return atom;
            }
            skipLazyOrPossessive();
            return min == 0 ? ANY : new Info(null, requirements(atom));
        }

        void skipLazyOrPossessive() {
            if (pos < s.length() && (s.charAt(pos) == '?' || s.charAt(pos) == '+')) {
                pos++;
            }
        }

        Info atom() {
            int cp = s.codePointAt(pos);
            pos += Character.charCount(cp);
            return switch (cp) {
                case '(' -> group();
                case '[' -> {
                    skipClass();
                    yield ANY;
                }
                case '.' -> ANY;
                case '^', '$' -> EMPTY;
                case '\\' -> escape();
                case '*', '+', '?', '{', ')', '|' -> throw new Unsupported();
                default -> literal(new String(Character.toChars(cp)));
            };
        }

        Info group() {
            if (s.charAt(pos) != '?') {
                return closed(alternation());
            }
            pos++;
            char c = s.charAt(pos);
            if (c == ':' || c == '>') {
                pos++;
                return closed(alternation());
            }
            if (c == '=' || c == '!') {
                pos++;
                closed(alternation());
                return EMPTY;
            }
            if (c == '<' && (s.charAt(pos + 1) == '=' || s.charAt(pos + 1) == '!')) {
                pos += 2;
                closed(alternation());
                return EMPTY;
            }
            if (c == '<') {
                pos = s.indexOf('>', pos) + 1;
                return closed(alternation());
            }
            // Inline flags: only those that leave literal characters matching themselves.
            while (pos < s.length() && "msd-".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            if (s.charAt(pos) == ')') {
                pos++;
                return EMPTY;
            }
            if (s.charAt(pos) == ':') {
                pos++;
                return closed(alternation());
            }
            throw new Unsupported();
        }

        Info closed(Info inner) {
            if (pos >= s.length() || s.charAt(pos) != ')') {
                throw new Unsupported();
            }
            pos++;
            return inner;
        }

        void skipClass() {
            int depth = 1;
            while (depth > 0) {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    pos++;
                } else if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    depth--;
                }
            }
        }

        Info escape() {
            char e = s.charAt(pos++);
            if (!Character.isLetterOrDigit(e)) {
                return literal(String.valueOf(e));
            }
            return switch (e) {
                case 'b', 'B', 'A', 'z', 'Z', 'G' -> EMPTY;
                case 's', 'S', 'w', 'W', 'd', 'D', 'h', 'H', 'v', 'V', 'R', 'X' -> ANY;
                case 'p', 'P' -> {
                    pos = s.charAt(pos) == '{' ? s.indexOf('}', pos) + 1 : pos + 1;
                    yield ANY;
                }
                case 't' -> literal("\t");
                case 'n' -> literal("\n");
                case 'r' -> literal("\r");
                case 'f' -> literal("\f");
                case 'u' -> {
                    String hex = s.substring(pos, pos + 4);
                    pos += 4;
                    yield literal(String.valueOf((char) Integer.parseInt(hex, 16)));
                }
                default -> throw new Unsupported();
            };
        }

        static Info literal(String text) {
            return new Info(Set.of(text), List.of());
        }
    }
}
