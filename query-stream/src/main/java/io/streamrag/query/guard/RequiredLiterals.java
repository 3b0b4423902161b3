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
 * Literal strings at least one of which occurs in every match of a regular expression, derived from the
 * expression itself: when a text contains none of them the pattern cannot match, so the screen skips running it.
 *
 * <p>Understands the syntax the screen's patterns use (literals, escapes, character classes, groups, alternation,
 * quantifiers, lookaround, the m/s/d flags). Anything else, such as case-insensitive matching or back-references
 * to literals, makes it give up and return no literals, and a pattern without literals is always run.
 */
final class RequiredLiterals {

    /** Largest set of alternatives tracked exactly; beyond it a sequence is split into shorter required runs. */
    private static final int MAX_EXACT = 64;

    /** What a piece of a pattern can match: every string exactly, or a set one of which each match contains. */
    private record Info(Set<String> exact, Set<String> required) {
    }

    private static final Info ANY = new Info(null, null);
    private static final Info EMPTY = new Info(Set.of(""), null);

    private RequiredLiterals() {
    }

    /** The literals, or an empty list when none can be proven and the pattern must always be run. */
    static List<String> of(Pattern pattern) {
        if ((pattern.flags() & ~(Pattern.MULTILINE | Pattern.DOTALL | Pattern.UNIX_LINES)) != 0) {
            return List.of();
        }
        try {
            Parser parser = new Parser(pattern.pattern());
            Info info = parser.alternation();
            if (parser.pos != parser.s.length()) {
                return List.of();
            }
            Set<String> required = required(info);
            return required == null ? List.of() : minimal(required);
        } catch (Unsupported | IndexOutOfBoundsException e) {
            return List.of();
        }
    }

    /**
     * The literals of many patterns, found in one pass over a text: which patterns may match it. A pattern without
     * literals may match any text.
     */
    static final class Index {
        private final int patterns;
        private final BitSet unconstrained = new BitSet();
        /** Per first character: the literals starting with it and the patterns that own each. */
        private final Map<Character, List<Map.Entry<String, BitSet>>> byFirst = new HashMap<>();

        Index(List<List<String>> literalsPerPattern) {
            this.patterns = literalsPerPattern.size();
            Map<String, BitSet> owners = new LinkedHashMap<>();
            for (int p = 0; p < patterns; p++) {
                List<String> literals = literalsPerPattern.get(p);
                if (literals.isEmpty() || literals.contains("")) {
                    unconstrained.set(p);
                    continue;
                }
                for (String literal : literals) {
                    owners.computeIfAbsent(literal, l -> new BitSet()).set(p);
                }
            }
            owners.forEach((literal, who) -> byFirst.computeIfAbsent(literal.charAt(0), c -> new ArrayList<>())
                    .add(Map.entry(literal, who)));
        }

        /** The patterns that may match the text: those without literals and those with a literal in it. */
        BitSet candidates(String text) {
            BitSet out = (BitSet) unconstrained.clone();
            for (int i = 0; i < text.length(); i++) {
                List<Map.Entry<String, BitSet>> starting = byFirst.get(text.charAt(i));
                if (starting == null) {
                    continue;
                }
                for (Map.Entry<String, BitSet> e : starting) {
                    if (text.startsWith(e.getKey(), i)) {
                        out.or(e.getValue());
                    }
                }
            }
            return out;
        }
    }

    private static Set<String> required(Info info) {
        if (info.exact() != null) {
            return info.exact().contains("") ? null : info.exact();
        }
        return info.required();
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
                return new Info(exact, null);
            }
            Set<String> union = new LinkedHashSet<>();
            for (Info b : branches) {
                Set<String> r = required(b);
                if (r == null) {
                    return ANY;
                }
                union.addAll(r);
            }
            return new Info(null, union);
        }

        /** A run of pieces: adjacent exact pieces combine while small, every run or piece may be the requirement. */
        Info sequence() {
            Set<String> run = Set.of("");
            boolean allExact = true;
            Set<String> best = null;
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
                best = better(best, required(new Info(run, null)));
                if (piece.exact() != null) {
                    run = piece.exact();
                } else {
                    best = better(best, piece.required());
                    run = Set.of("");
                }
            }
            if (allExact) {
                return new Info(run, null);
            }
            return new Info(null, better(best, required(new Info(run, null))));
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
                    return new Info(optional, null);
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
            return min == 0 ? ANY : new Info(null, required(atom));
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
            return new Info(Set.of(text), null);
        }
    }
}
