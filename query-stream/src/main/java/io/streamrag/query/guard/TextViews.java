package io.streamrag.query.guard;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The views of a text that the injection screen reads: the text normalised (NFKC, no invisible characters,
 * homoglyphs folded, lower case), with spaced-out letters joined and leetspeak undone, and the payloads hidden
 * in it decoded (base64, hex, URL and HTML escapes, \\u escapes, rot13, reversed text). Each view carries how it
 * was obtained, so a reason can say "found in base64-decoded text".
 */
final class TextViews {

    /** One way of reading the text; {@code disguised} when it needed decoding to be read. */
    record View(String how, String text, boolean disguised) {
    }

    private static final Pattern INVISIBLE = Pattern.compile("[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0]");
    private static final Pattern SPACED_LETTERS = Pattern.compile("(?<![\\p{L}\\p{N}])(?:[\\p{L}\\p{N}][ ._\\-*|/]{1,2}){3,}[\\p{L}\\p{N}](?![\\p{L}\\p{N}])");
    static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{16,}={0,2}");
    static final Pattern HEX = Pattern.compile("(?:(?:0x|\\\\x)?[0-9a-fA-F]{2}[\\s:,]?){10,}");
    private static final Pattern PERCENT = Pattern.compile("%[0-9a-fA-F]{2}");
    private static final Pattern HTML_ENTITY = Pattern.compile("&#(x[0-9a-fA-F]+|\\d+);");
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");
    static final Pattern LEET_WORD = Pattern.compile("[\\p{L}0-9@$|!]*[\\p{L}][\\p{L}0-9@$|!]*");
    /** The characters {@link #INVISIBLE} matches, for a per-character test (all are single UTF-16 units). */
    private static final BitSet INVISIBLE_CHARS = new BitSet(Character.MAX_VALUE + 1);

    static {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            if (INVISIBLE.matcher(String.valueOf(c)).matches()) {
                INVISIBLE_CHARS.set(c);
            }
        }
    }

    private static final Pattern SEPARATOR_PAIR = Pattern.compile("[ ._\\-*|/]{2}");
    private static final Pattern SEPARATOR = Pattern.compile("[ ._\\-*|/]");
    private static final Pattern HEX_NOISE = Pattern.compile("0x|\\\\x|[\\s:,]");
    static final String LEET_CHARS = "0123456789@$|!";
    private static final int MAX_DECODED = 8;

    /** Cyrillic and Greek letters that look like Latin ones, folded so "іgnоrе" reads "ignore"; indexed by char. */
    private static final char[] HOMOGLYPHS;

    static {
        String from = "аеорсухіјѕԁһӏԛԝвкмнтАВЕКМНОРСТУХІЈЅαοτνυεκρχιΑΒΕΖΗΙΚΜΝΟΡΤΥΧℓ";
        String to = "aeopcyxijsdhlqwbkmhtabekmhopctyxijsaotvuekpxiabezhikmnoptyxl";
        int size = from.chars().max().orElseThrow() + 1;
        HOMOGLYPHS = new char[size];
        for (int i = 0; i < from.length(); i++) {
            HOMOGLYPHS[from.charAt(i)] = to.charAt(i);
        }
    }

    private TextViews() {
    }

    static List<View> of(String raw) {
        List<View> views = new ArrayList<>();
        addReadings(views, "text", raw, false);
        // Decode what looks encoded; decoded payloads are read the same ways, one level deep (two for base64 of url).
        List<View> decoded = new ArrayList<>();
        for (String payload : decodeAll(raw)) {
            if (decoded.size() >= MAX_DECODED) {
                break;
            }
            decoded.add(new View(payload.substring(0, payload.indexOf(':')), payload.substring(payload.indexOf(':') + 1), true));
        }
        String rot13 = rot13(raw);
        decoded.add(new View("rot13", rot13, true));
        decoded.add(new View("reversed", new StringBuilder(raw).reverse().toString(), true));
        for (View d : decoded) {
            addReadings(views, d.how() + "-decoded", d.text(), true);
            if (!d.how().equals("rot13") && !d.how().equals("reversed")) {
                for (String inner : decodeAll(d.text())) {
                    addReadings(views, d.how() + "+" + inner.substring(0, inner.indexOf(':')) + "-decoded",
                            inner.substring(inner.indexOf(':') + 1), true);
                }
            }
        }
        return views;
    }

    private static void addReadings(List<View> views, String how, String raw, boolean disguised) {
        String normal = normalize(raw);
        views.add(new View(how, normal, disguised));
        String joined = joinSpacedLetters(normal);
        if (!joined.equals(normal)) {
            views.add(new View(how + " (spaced letters joined)", joined, true));
        }
        String plain = unLeet(joined);
        if (!plain.equals(joined)) {
            views.add(new View(how + " (leetspeak undone)", plain, true));
        }
    }

    static String normalize(String raw) {
        String text = Normalizer.normalize(raw, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (INVISIBLE_CHARS.get(c)) {
                continue;
            }
            char folded = c < HOMOGLYPHS.length ? HOMOGLYPHS[c] : 0;
            out.append(folded != 0 ? folded : c);
        }
        String lower = out.toString().toLowerCase(Locale.ROOT);
        // Runs of spaces, tabs, no-break and ideographic spaces become one space.
        StringBuilder spaced = new StringBuilder(lower.length());
        boolean inRun = false;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\u00A0' || c == '\u3000';
            if (!space) {
                spaced.append(c);
            } else if (!inRun) {
                spaced.append(' ');
            }
            inRun = space;
        }
        return spaced.toString();
    }

    /** "i g n o r e" or "i.g.n.o.r.e" becomes "ignore"; wider gaps between words stay a space. */
    static String joinSpacedLetters(String text) {
        Matcher m = SPACED_LETTERS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String run = m.group();
            // Two separators in a row mark a word gap inside the run.
            String joined = SEPARATOR.matcher(SEPARATOR_PAIR.matcher(run).replaceAll("\u0000")).replaceAll("").replace('\u0000', ' ');
            m.appendReplacement(out, Matcher.quoteReplacement(joined));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Undoes leetspeak only inside words that mix letters with digits or symbols ("1gn0r3"), never in numbers. */
    static String unLeet(String text) {
        if (!mixesLettersWithLeet(text)) {
            return text; // no word mixes letters with digits or symbols: nothing to undo
        }
        Matcher m = LEET_WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String replaced = word;
            if (!word.chars().allMatch(Character::isLetter)) {
                StringBuilder w = new StringBuilder(word.length());
                for (char c : word.toCharArray()) {
                    w.append(switch (c) {
                        case '0' -> 'o';
                        case '1', '!', '|' -> 'i';
                        case '3' -> 'e';
                        case '4', '@' -> 'a';
                        case '5', '$' -> 's';
                        case '7' -> 't';
                        case '8' -> 'b';
                        case '9' -> 'g';
                        default -> c;
                    });
                }
                replaced = w.toString();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replaced));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every decodable payload in the text as "how:decoded text". */
    static List<String> decodeAll(String raw) {
        List<String> out = new ArrayList<>();
        // Cheap scans first: most texts hold no run long enough for the patterns, which then need not run.
        Matcher b = BASE64.matcher(hasBase64Run(raw, 16) ? raw : "");
        while (b.find()) {
            String token = b.group();
            if (token.chars().allMatch(c -> Character.isLetter(c) && Character.isLowerCase(c))) {
                continue; // an ordinary long word, not base64
            }
            String text = decodeBase64(token);
            if (text != null) {
                out.add("base64:" + text);
            }
        }
        Matcher h = HEX.matcher(hasHexStretch(raw, 10) ? raw : "");
        while (h.find()) {
            String hex = HEX_NOISE.matcher(h.group()).replaceAll("");
            if (hex.length() % 2 == 1) {
                hex = hex.substring(0, hex.length() - 1);
            }
            String text = printable(HexFormat.of().parseHex(hex));
            if (text != null) {
                out.add("hex:" + text);
            }
        }
        if (raw.indexOf('%') >= 0 && PERCENT.matcher(raw).results().limit(3).count() >= 3) {
            out.add("url:" + percentDecode(raw));
        }
        if (raw.contains("&#") && HTML_ENTITY.matcher(raw).find()) {
            out.add("html:" + HTML_ENTITY.matcher(raw).replaceAll(m -> {
                String v = m.group(1);
                int cp = v.startsWith("x") ? Integer.parseInt(v.substring(1), 16) : Integer.parseInt(v);
                return Matcher.quoteReplacement(Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "");
            }));
        }
        if (raw.contains("\\u") && UNICODE_ESCAPE.matcher(raw).find()) {
            out.add("unicode-escape:" + UNICODE_ESCAPE.matcher(raw).replaceAll(
                    m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16)))));
        }
        return out;
    }

    /**
     * Whether a run of letters, digits and @$|! (what {@link #LEET_WORD} matches) holds both a letter and one of
     * the others; surrogates count as letters, so the test can only err towards running the pattern.
     */
    static boolean mixesLettersWithLeet(String text) {
        boolean letter = false;
        boolean leet = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (LEET_CHARS.indexOf(c) >= 0) {
                leet = true;
            } else if (Character.isLetter(c) || Character.isSurrogate(c)) {
                letter = true;
            } else {
                letter = false;
                leet = false;
            }
            if (letter && leet) {
                return true;
            }
        }
        return false;
    }

    /** Whether a run of {@code min} characters from {@code [A-Za-z0-9+/_-]} exists, as {@link #BASE64} needs. */
    static boolean hasBase64Run(String text, int min) {
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean member = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '_' || c == '-';
            run = member ? run + 1 : 0;
            if (run >= min) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a stretch made only of characters {@link #HEX} can match (hex digits, x, backslash, whitespace, : and
     * ,) holds at least {@code pairs} pairs of hex digits, as a hex payload needs.
     */
    static boolean hasHexStretch(String text, int pairs) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) >= 0 && c < 0x80) {
                digits++;
            } else if (!(c == 'x' || c == '\\' || c == ':' || c == ',' || c == ' ' || c == '\t' || c == '\n'
                    || c == '\u000B' || c == '\f' || c == '\r')) {
                digits = 0;
            }
            if (digits >= 2 * pairs) {
                return true;
            }
        }
        return false;
    }

    private static String decodeBase64(String token) {
        String t = token.replace('-', '+').replace('_', '/').replace("=", "");
        if (t.length() % 4 == 1) {
            return null;
        }
        try {
            return printable(Base64.getDecoder().decode(t + "==".substring(0, (4 - t.length() % 4) % 4)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Valid UTF-8 text made mostly of letters, digits, spaces and punctuation; else null (binary noise). */
    private static String printable(byte[] bytes) {
        if (bytes.length < 6) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        long good = text.codePoints().filter(c -> Character.isLetterOrDigit(c) || Character.isWhitespace(c)
                || (c >= 0x20 && c < 0x7F)).count();
        long letters = text.codePoints().filter(Character::isLetter).count();
        return good >= 0.95 * text.codePointCount(0, text.length()) && letters >= 0.4 * text.codePointCount(0, text.length()) ? text : null;
    }

    private static String percentDecode(String raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    static String rot13(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                out.append((char) ('a' + (c - 'a' + 13) % 26));
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) ('A' + (c - 'A' + 13) % 26));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
