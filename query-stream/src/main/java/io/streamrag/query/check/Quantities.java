package io.streamrag.query.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers with their units, read from English and Korean text: "1,000", "1000" and "천" are the same value;
 * "1억 2천만 원", "1.5 million", "three days", "세 가지" are understood; a unit is normalised to a base unit within
 * its class (90 minutes = 1.5 hours, 1.5 km = 1500 m) so paraphrases match and a wrong unit does not.
 */
final class Quantities {

    /**
     * A value in the base unit of its class, the number as written ({@code raw}); {@code unit} null when it stands
     * alone. {@code counted}: a number word counting things ("two times", "세 가지"), which an answer may derive by
     * counting what the context lists, so its absence from the context is weak evidence.
     */
    record Quantity(double value, double raw, String unit, String unitClass, String text, boolean counted, String counter) {
    }

    /** "1년에", "1명당", "1분에": a rate's denominator, not a claim about a value. */
    private static final Pattern PER_ONE = Pattern.compile("^\\s?[가-힣]{0,2}(?:에|당|마다)(?![가-힣])");
    private static final Pattern BARE_EN_WORD = Pattern.compile("(?i)\\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred|twice|half|dozen)\\b");
    /** "about a year", "an hour": one of the unit. */
    private static final Pattern A_UNIT = Pattern.compile("(?i)\\b(?:a|an|one)\\s+(year|month|week|day|hour|minute|second)\\b");
    private static final Pattern BARE_KO_WORD = Pattern.compile("(?<![가-힣])(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|스무)\\s?(번|가지|개|명|권|곳|차례|건)");

    /** Every quantity in the context, with number words counted even without a unit ("twice", "두 번"). */
    static List<Quantity> extractAll(String text) {
        List<Quantity> out = new ArrayList<>(extract(text));
        Matcher w = BARE_EN_WORD.matcher(text);
        while (w.find()) {
            double v = EN_WORDS.get(w.group(1).toLowerCase(Locale.ROOT));
            String word = w.group(1).toLowerCase(Locale.ROOT);
            out.add(new Quantity(v, v, null, null, w.group(), true, word.equals("twice") ? "times" : null));
        }
        Matcher a = A_UNIT.matcher(text);
        while (a.find()) {
            out.add(quantity(1, a.group(1).toLowerCase(Locale.ROOT), a.group(), false, null));
        }
        Matcher k = BARE_KO_WORD.matcher(text);
        while (k.find()) {
            double v = KO_NATIVE.get(k.group(1));
            out.add(new Quantity(v, v, null, null, k.group(), true, k.group(2)));
        }
        return out;
    }

    private record Unit(String name, String unitClass, double factor) {
    }

    private static final Map<String, Unit> UNITS = Map.ofEntries(
            unit("%", "%", "percent", 1), unit("percent", "%", "percent", 1), unit("per cent", "%", "percent", 1),
            unit("퍼센트", "%", "percent", 1), unit("프로", "%", "percent", 1),
            unit("%p", "pp", "percent", 1), unit("퍼센트포인트", "pp", "percent", 1), unit("percentage points", "pp", "percent", 1),
            unit("원", "KRW", "money", 1), unit("won", "KRW", "money", 1), unit("krw", "KRW", "money", 1),
            unit("dollars", "USD", "money", 1), unit("dollar", "USD", "money", 1), unit("usd", "USD", "money", 1), unit("달러", "USD", "money", 1),
            unit("euros", "EUR", "money", 1), unit("euro", "EUR", "money", 1), unit("eur", "EUR", "money", 1), unit("유로", "EUR", "money", 1),
            unit("엔", "JPY", "money", 1), unit("yen", "JPY", "money", 1),
            unit("years", "s", "time", 31_536_000), unit("year", "s", "time", 31_536_000), unit("yrs", "s", "time", 31_536_000),
            unit("months", "s", "time", 2_592_000), unit("month", "s", "time", 2_592_000), unit("개월", "s", "time", 2_592_000),
            unit("weeks", "s", "time", 604_800), unit("week", "s", "time", 604_800), unit("주", "s", "time", 604_800), unit("주일", "s", "time", 604_800),
            unit("days", "s", "time", 86_400), unit("day", "s", "time", 86_400), unit("일", "s", "time", 86_400),
            unit("business days", "s", "time", 86_400), unit("영업일", "s", "time", 86_400),
            unit("hours", "s", "time", 3600), unit("hour", "s", "time", 3600), unit("hrs", "s", "time", 3600), unit("h", "s", "time", 3600), unit("시간", "s", "time", 3600),
            unit("minutes", "s", "time", 60), unit("minute", "s", "time", 60), unit("min", "s", "time", 60), unit("mins", "s", "time", 60), unit("분", "s", "time", 60),
            unit("seconds", "s", "time", 1), unit("second", "s", "time", 1), unit("sec", "s", "time", 1), unit("s", "s", "time", 1), unit("초", "s", "time", 1),
            unit("ms", "s", "time", 0.001), unit("milliseconds", "s", "time", 0.001), unit("밀리초", "s", "time", 0.001),
            unit("km", "m", "length", 1000), unit("kilometers", "m", "length", 1000), unit("kilometres", "m", "length", 1000), unit("킬로미터", "m", "length", 1000),
            unit("m", "m", "length", 1), unit("meters", "m", "length", 1), unit("metres", "m", "length", 1), unit("미터", "m", "length", 1),
            unit("cm", "m", "length", 0.01), unit("센티미터", "m", "length", 0.01), unit("mm", "m", "length", 0.001), unit("밀리미터", "m", "length", 0.001),
            unit("feet", "ft", "length", 1), unit("foot", "ft", "length", 1), unit("ft", "ft", "length", 1), unit("피트", "ft", "length", 1),
            unit("inches", "in", "length", 1), unit("inch", "in", "length", 1), unit("인치", "in", "length", 1),
            unit("miles", "mi", "length", 1), unit("mile", "mi", "length", 1), unit("마일", "mi", "length", 1),
            unit("kg", "g", "mass", 1000), unit("kilograms", "g", "mass", 1000), unit("킬로그램", "g", "mass", 1000), unit("킬로", "g", "mass", 1000),
            unit("g", "g", "mass", 1), unit("grams", "g", "mass", 1), unit("그램", "g", "mass", 1),
            unit("t", "g", "mass", 1_000_000), unit("tons", "g", "mass", 1_000_000), unit("tonnes", "g", "mass", 1_000_000), unit("톤", "g", "mass", 1_000_000),
            unit("lb", "lb", "mass", 1), unit("lbs", "lb", "mass", 1), unit("pounds", "lb", "mass", 1), unit("파운드", "lb", "mass", 1),
            unit("kb", "B", "data", 1e3), unit("mb", "B", "data", 1e6), unit("gb", "B", "data", 1e9), unit("tb", "B", "data", 1e12),
            unit("기가바이트", "B", "data", 1e9), unit("메가바이트", "B", "data", 1e6), unit("테라바이트", "B", "data", 1e12),
            unit("°c", "C", "temperature", 1), unit("도", "C", "temperature", 1), unit("degrees", "C", "temperature", 1), unit("°f", "F", "temperature", 1),
            unit("년", "year", "calendar-year", 1), unit("월", "month", "calendar-month", 1),
            unit("배", "x", "ratio", 1), unit("times", "x", "ratio", 1), unit("x", "x", "ratio", 1));

    private static Map.Entry<String, Unit> unit(String word, String base, String unitClass, double factor) {
        return Map.entry(word, new Unit(base, unitClass, factor));
    }

    private static final Map<String, Double> EN_WORDS = Map.ofEntries(
            Map.entry("one", 1.0), Map.entry("two", 2.0), Map.entry("three", 3.0), Map.entry("four", 4.0),
            Map.entry("five", 5.0), Map.entry("six", 6.0), Map.entry("seven", 7.0), Map.entry("eight", 8.0),
            Map.entry("nine", 9.0), Map.entry("ten", 10.0), Map.entry("eleven", 11.0), Map.entry("twelve", 12.0),
            Map.entry("fifteen", 15.0), Map.entry("twenty", 20.0), Map.entry("thirty", 30.0), Map.entry("forty", 40.0),
            Map.entry("fifty", 50.0), Map.entry("sixty", 60.0), Map.entry("ninety", 90.0), Map.entry("hundred", 100.0),
            Map.entry("half", 0.5), Map.entry("twice", 2.0), Map.entry("double", 2.0), Map.entry("dozen", 12.0));
    private static final Map<String, Double> KO_NATIVE = Map.ofEntries(
            Map.entry("한", 1.0), Map.entry("두", 2.0), Map.entry("세", 3.0), Map.entry("네", 4.0), Map.entry("다섯", 5.0),
            Map.entry("여섯", 6.0), Map.entry("일곱", 7.0), Map.entry("여덟", 8.0), Map.entry("아홉", 9.0), Map.entry("열", 10.0),
            Map.entry("스무", 20.0));
    private static final Map<String, Double> SCALES = Map.of(
            "thousand", 1e3, "million", 1e6, "billion", 1e9, "trillion", 1e12, "k", 1e3, "bn", 1e9);

    private static final String UNIT_ALTERNATION = UNITS.keySet().stream()
            .sorted((a, b) -> b.length() - a.length()).map(Pattern::quote)
            .reduce((a, b) -> a + "|" + b).orElseThrow();
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\p{L}\\d.,])([$€₩£])?\\s?(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?"
                    + "(?:\\s?(thousand|million|billion|trillion|bn|k)(?![\\p{L}]))?"
                    + "(?:\\s?(" + UNIT_ALTERNATION + ")(?![a-z]))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern EN_WORD_NUMBER = Pattern.compile(
            "(?i)\\b(" + String.join("|", EN_WORDS.keySet()) + ")[\\s-]+(" + UNIT_ALTERNATION + ")\\b");
    private static final Pattern KO_NATIVE_NUMBER = Pattern.compile(
            "(?<![가-힣])(" + String.join("|", KO_NATIVE.keySet()) + ")\\s?(개|명|가지|번|시간|달|살|곳|개월|차례|권|대|건|주|배)");
    private static final Pattern APPROXIMATELY = Pattern.compile(
            "(?i)\\b(?:about|approximately|approx|around|roughly|nearly|almost|close to|some|over|more than|less than|under|up to)\\b|약|대략|거의|정도|가량|남짓|이상|이하|미만|초과|넘는|넘게|근처");

    private static final Pattern AND_A_HALF = Pattern.compile(
            "(?i)\\b(\\d+|" + String.join("|", EN_WORDS.keySet()) + ")\\s+and\\s+a\\s+half\\b");

    private Quantities() {
    }

    /** "one and a half days" -> "1.5 days", so the half is not read as a quantity of its own. */
    private static String andAHalf(String text) {
        Matcher m = AND_A_HALF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String n = m.group(1).toLowerCase(Locale.ROOT);
            double value = (Character.isDigit(n.charAt(0)) ? Double.parseDouble(n) : EN_WORDS.get(n)) + 0.5;
            m.appendReplacement(out, Double.toString(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean approximate(String text) {
        return APPROXIMATELY.matcher(text).find();
    }

    /** Every quantity in the text; {@code unitless words} ("one") only count when a unit follows them. */
    static List<Quantity> extract(String original) {
        List<Quantity> out = new ArrayList<>();
        String text = andAHalf(original);
        String expanded = expandKorean(text);
        Matcher m = NUMBER.matcher(expanded);
        while (m.find()) {
            double value = Double.parseDouble(m.group(2).replace(",", "") + (m.group(3) == null ? "" : m.group(3)));
            if (m.group(4) != null) {
                value *= SCALES.get(m.group(4).toLowerCase(Locale.ROOT));
            }
            String unitWord = m.group(5) == null ? null : m.group(5).toLowerCase(Locale.ROOT);
            if (m.group(1) != null) {
                unitWord = switch (m.group(1)) {
                    case "$" -> "usd";
                    case "€" -> "eur";
                    case "₩" -> "krw";
                    default -> unitWord;
                };
            }
            if (value == 1 && PER_ONE.matcher(expanded.substring(m.end())).find()) {
                continue;
            }
            out.add(quantity(value, unitWord, m.group().strip(), false, unitWord));
        }
        Matcher w = EN_WORD_NUMBER.matcher(text);
        while (w.find()) {
            out.add(quantity(EN_WORDS.get(w.group(1).toLowerCase(Locale.ROOT)), w.group(2).toLowerCase(Locale.ROOT), w.group(), false,
                    w.group(2).toLowerCase(Locale.ROOT)));
        }
        Matcher k = KO_NATIVE_NUMBER.matcher(text);
        while (k.find()) {
            String counter = k.group(2);
            out.add(quantity(KO_NATIVE.get(k.group(1)), UNITS.containsKey(counter) ? counter : null, k.group(), true, counter));
        }
        return out;
    }

    private static Quantity quantity(double value, String unitWord, String text, boolean counted, String counter) {
        // "3년" is a duration, "2024년" a calendar year.
        Unit unit = unitWord == null ? null : "년".equals(unitWord) && value < 1000 ? UNITS.get("years") : UNITS.get(unitWord);
        if (unit == null) {
            return new Quantity(value, value, null, null, text, counted, counter);
        }
        return new Quantity(value * unit.factor(), value, unit.name(), unit.unitClass(), text,
                counted && unit.unitClass().equals("ratio"), counter);
    }

    private static final Pattern KOREAN_COMPOUND = Pattern.compile(
            "(?<![\\d.,])\\d[\\d,]*(?:\\.\\d+)?(?:조|억|만|천|백)+(?:\\s?\\d[\\d,]*(?:\\.\\d+)?(?:조|억|만|천|백)*)*");
    private static final Pattern SEGMENT = Pattern.compile("(\\d[\\d,]*(?:\\.\\d+)?)((?:조|억|만|천|백)*)");

    /** Rewrites "1억 2천만" as "120000000" and "3천" as "3000", so every spelling of a value reads the same. */
    static String expandKorean(String text) {
        Matcher m = KOREAN_COMPOUND.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            double total = 0;
            Matcher s = SEGMENT.matcher(m.group());
            while (s.find()) {
                total += applyKoreanScales(Double.parseDouble(s.group(1).replace(",", "")), s.group(2));
            }
            String digits = total == Math.rint(total) ? Long.toString((long) total) : Double.toString(total);
            m.appendReplacement(out, digits);
        }
        m.appendTail(out);
        return out.toString();
    }

    /** "1억 2천만": 천/백 scale the current group, 만/억/조 close it. The digits before are the first group. */
    private static double applyKoreanScales(double first, String scales) {
        if (scales == null || scales.isBlank()) {
            return first;
        }
        double total = 0;
        double group = first;
        for (char c : scales.replace(" ", "").toCharArray()) {
            switch (c) {
                case '백' -> group *= 100;
                case '천' -> group *= 1000;
                case '만' -> { total += group * 1e4; group = 0; }
                case '억' -> { total += group * 1e8; group = 0; }
                case '조' -> { total += group * 1e12; group = 0; }
                default -> { }
            }
        }
        return total + group;
    }

    /** Equal within a relative tolerance (0 for exact figures, a few percent for "about 30%"). */
    static boolean sameValue(double a, double b, double tolerance) {
        if (a == b) {
            return true;
        }
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return Math.abs(a - b) <= Math.max(1e-9, tolerance) * scale;
    }
}
