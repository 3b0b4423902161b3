package io.streamrag.query.check;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The periods of rates in a text ("per minute", "a day", "daily", "분당", "하루에", "연간"), normalised. */
final class Rates {

    private static final Pattern EN = Pattern.compile(
            "(?i)\\b(?:per|a|an|each|every)\\s+(second|minute|hour|day|week|month|year)s?\\b|\\b(hourly|daily|weekly|monthly|yearly|annually|annual)\\b");
    private static final Pattern KO = Pattern.compile(
            "(?<![가-힣])(초|분|시간|일|주|월|년|연)(?:당|마다)|1?(초|분|시간|하루|일주일|한 달|한달|1년|일 년|1개월)에(?![가-힣])|(?<![가-힣])(하루|일주일|한 달)\\s?(?=\\d)|(?<![\\d가-힣])(매초|매분|매시간|매일|매주|매월|매달|매년|일간|주간|월간|연간)|(?<![가-힣])(월|연|주|일)\\s?(?=\\d)");
    private static final Map<String, String> PERIOD = Map.ofEntries(
            Map.entry("second", "second"), Map.entry("minute", "minute"), Map.entry("hour", "hour"), Map.entry("day", "day"),
            Map.entry("week", "week"), Map.entry("month", "month"), Map.entry("year", "year"),
            Map.entry("hourly", "hour"), Map.entry("daily", "day"), Map.entry("weekly", "week"), Map.entry("monthly", "month"),
            Map.entry("yearly", "year"), Map.entry("annually", "year"), Map.entry("annual", "year"),
            Map.entry("초", "second"), Map.entry("분", "minute"), Map.entry("시간", "hour"), Map.entry("일", "day"), Map.entry("하루", "day"),
            Map.entry("주", "week"), Map.entry("일주일", "week"), Map.entry("월", "month"), Map.entry("한 달", "month"), Map.entry("한달", "month"),
            Map.entry("1개월", "month"), Map.entry("년", "year"), Map.entry("연", "year"), Map.entry("1년", "year"), Map.entry("일 년", "year"),
            Map.entry("매초", "second"), Map.entry("매분", "minute"), Map.entry("매시간", "hour"), Map.entry("매일", "day"), Map.entry("일간", "day"),
            Map.entry("매주", "week"), Map.entry("주간", "week"), Map.entry("매월", "month"), Map.entry("매달", "month"), Map.entry("월간", "month"),
            Map.entry("매년", "year"), Map.entry("연간", "year"));

    private static final Pattern NUMBER = Pattern.compile("(?<![\\p{L}\\d.,])\\d[\\d,]*(?:\\.\\d+)?");
    private static final Pattern CLAUSE_BREAK = Pattern.compile("(?s).*[;.,:!?\\n].*");
    /** How far (in characters) a number may sit from the rate it goes with: "1,200 dollars per month". */
    private static final int REACH = 20;

    private Rates() {
    }

    /**
     * Each number of the text with the periods of the rates it goes with: the nearest number within a few
     * characters of the rate, in the same clause ("3.1% interest per year" -> 3.1: year; "매달 120만 원" ->
     * 1200000: month).
     */
    static Map<Double, Set<String>> byNumber(String text) {
        String expanded = Quantities.expandKorean(text);
        java.util.List<int[]> numbers = new java.util.ArrayList<>();
        java.util.List<Double> values = new java.util.ArrayList<>();
        Matcher n = NUMBER.matcher(expanded);
        while (n.find()) {
            numbers.add(new int[] {n.start(), n.end()});
            values.add(Double.parseDouble(n.group().replace(",", "")));
        }
        Map<Double, Set<String>> out = new java.util.HashMap<>();
        for (Pattern p : new Pattern[] {EN, KO}) {
            Matcher m = p.matcher(expanded);
            while (m.find()) {
                String period = null;
                for (int g = 1; g <= m.groupCount() && period == null; g++) {
                    period = m.group(g) == null ? null : PERIOD.get(m.group(g).toLowerCase(java.util.Locale.ROOT));
                }
                int nearest = -1;
                int distance = REACH + 1;
                for (int i = 0; i < numbers.size(); i++) {
                    int[] at = numbers.get(i);
                    boolean inside = at[0] >= m.start() && at[1] <= m.end(); // "1년에": the number is part of the period
                    int d = at[1] <= m.start() ? m.start() - at[1] : at[0] >= m.end() ? at[0] - m.end() : Integer.MAX_VALUE;
                    String between = d == Integer.MAX_VALUE ? "" : expanded.substring(Math.min(at[1], m.end()), Math.max(at[0], m.start()));
                    if (!inside && d < distance && !CLAUSE_BREAK.matcher(between).matches()) {
                        distance = d;
                        nearest = i;
                    }
                }
                if (period != null && nearest >= 0) {
                    out.computeIfAbsent(values.get(nearest), k -> new LinkedHashSet<>()).add(period);
                }
            }
        }
        return out;
    }

    static Set<String> extract(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (Pattern p : new Pattern[] {EN, KO}) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                for (int g = 1; g <= m.groupCount(); g++) {
                    if (m.group(g) != null) {
                        String period = PERIOD.get(m.group(g).toLowerCase(java.util.Locale.ROOT));
                        if (period != null) {
                            out.add(period);
                        }
                    }
                }
            }
        }
        return out;
    }
}
