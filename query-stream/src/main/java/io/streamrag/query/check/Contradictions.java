package io.streamrag.query.check;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Polarity checks between an answer clause and the context clause it restates: one is negated and the other is
 * not (not/never/no/n't; 않/안/못/없/아니; -지 마십시오; or a word that denies by its meaning: excluded, 금지), or
 * they use opposite terms (increase/decrease, 추가/중단) or scopes (all/only, 모든/-만). Negated limits ("not more
 * than 8", "넘지 않는") are read as the limit they state.
 */
final class Contradictions {

    private static final Pattern EN_NEGATION = Pattern.compile(
            "(?i)\\b(?:not|no|never|none|nothing|nobody|neither|nor|cannot|avoid|refrain|unable)\\b|n[’']t\\b"
                    // words negated by a prefix: immutable, unavailable, unsupported, non-refundable
                    + "|\\b(?:un|im|in|ir|non-?)[a-z]{3,}(?:able|ible)\\b|\\bun[a-z]{3,}ed\\b");
    private static final Pattern EN_NOT_A_NEGATION = Pattern.compile("(?i)\\bnot only\\b|\\bno matter\\b");
    /**
     * Negations that state a limit, not a denial, read as the limit they state: "do not take more than 8" =
     * "no more than 8" = "at most 8"; "100ml를 넘지 않는" = "100ml 이하".
     */
    private static final Pattern EN_LIMIT = Pattern.compile(
            "(?i)\\b(?:(?:not|n[’']t|never)\\s+(?:[a-z]+\\s+){0,3}?|no\\s+)(?:more|longer|later) than\\b"
                    + "|\\b(?:not|n[’']t|never)\\s+(?:to\\s+)?(?:exceed|surpass|go beyond)\\w*");
    private static final Pattern EN_FLOOR = Pattern.compile(
            "(?i)\\b(?:(?:not|n[’']t|never)\\s+(?:[a-z]+\\s+){0,3}?|no\\s+)(?:less|fewer|earlier|sooner) than\\b");
    private static final Pattern KO_LIMIT = Pattern.compile(
            "(?:넘|초과하|넘어가)지\\s?(?:않|말|마)[가-힣]*|넘게\\s[가-힣]+지\\s?(?:않|말|마)[가-힣]*");
    /**
     * Words that deny by their meaning (excluded, prohibited, rejected, 제외, 금지, 거절): "not covered" restates
     * "excluded", and "covered" contradicts it. Polarity = explicit negation XOR one of these.
     */
    private static final Pattern EN_NEGATIVE_WORD = Pattern.compile(
            "(?i)\\b(?:exclud\\w*|prohibit\\w*|forbid\\w*|banned|reject\\w*|denie[sd]|deny\\w*|refus\\w*|revok\\w*|abolish\\w*)\\b");
    private static final Pattern KO_NEGATIVE_WORD = Pattern.compile("제외|금지|불허|거절|거부|반려|부결|빼|빠[졌진지]");
    /** Phrases that say "free" with a negation word in them. */
    private static final Pattern FREE = Pattern.compile("(?i)\\bfree of charge\\b|\\b(?:at )?no (?:extra |additional )?(?:cost|charge)\\b|\\bfor free\\b"
            + "|(?:요금|입장료|이용료|비용|수수료|돈)(?:이|가|은|는|도)?\\s?(?:없|들지 않|내지 않)");
    private static final Pattern KO_NEGATION = Pattern.compile(
            "않|지\\s?마(?:십시오|세요|시오|라|십)|지\\s?말(?:아|고|것)|(?<![가-힣])안\\s|(?<![가-힣])못\\s|못하|못했|못합|없|아니|아닌|아닙|불가|미지원|미포함|미적용|미제공|불변|불필요|피해야|피하(?:세요|십시오|는|고|라)");
    /** A Korean predicate carrying the negation ("않습니다", "없는"): dropped whole when comparing content. */
    private static final Pattern KO_NEGATED_WORD = Pattern.compile("[가-힣]*(?:않|없|못하|못했|못합|아니|아닌|아닙)[가-힣]*");
    private static final Pattern KO_NOT_A_NEGATION = Pattern.compile("관계없이|상관없이|빠짐없이|끊임없이|틀림없이|아니라|없이");

    private record Opposites(Pattern a, Pattern b) {
    }

    private static final List<Opposites> OPPOSITES = List.of(
            en("increas\\w*|ris(?:e|es|ing|en)|rose|grow\\w*|grew|gain\\w*", "decreas\\w*|fall\\w*|fell|drop\\w*|declin\\w*|shr[iau]nk\\w*|reduc\\w*|cut\\b|lost|loss\\w*"),
            en("higher|more|greater|larger|bigger", "lower|less|fewer|smaller"),
            en("exceed\\w*|surpass\\w*|more than|at least|minimum", "limit\\w*|at most|up to|maximum"),
            en("includ\\w*|ship\\w*|contain\\w*|keep\\w*|kept|retain\\w*|add\\w*", "remov\\w*|delet\\w*|dropp\\w*|discontinu\\w*|deprecat\\w*"),
            en("strengthen\\w*|stronger|strong", "weaken\\w*|weaker|weak"),
            // Scope: a universal claim against a restricted one ("every fare" vs "only Flex fares", "up to 5 days").
            en("(?:all|everyone|anyone|everybody|unlimited)\\b|as (?:often|many|much) as"
                    // "every 4 hours", "every month" state a frequency, not a scope
                    + "|every\\b(?!\\s+(?:\\d|other|few|several|one|two|three|four|five|six|seven|eight|nine|ten|twelve|day|week|month|year|hour|minute|night|time|morning|evening)\\b)", "only|exclusively|solely|up to|at most|limited to|restricted to"),
            en("before|earlier|prior to|within", "after|later|beyond"),
            // An unbounded count against a bounded one: "as often as you like" vs "twice", "무제한" vs "두 번".
            en("unlimited|as (?:often|many|much) as|any number of|no limit", "once|twice|\\d+ times|(?:two|three|four|five|ten) times"),
            en("enabl\\w*", "disabl\\w*"),
            en("requir\\w*|mandatory|compulsory", "optional"),
            en("free(?! of)|unpaid", "paid|charg\\w*|fee"),
            en("success\\w*|pass\\w*|win\\w*|won", "fail\\w*|lose|losing|lost"),
            en("true|correct", "false|incorrect"),
            en("always", "never|rarely|sometimes"),
            en("first|earliest", "last|latest|final"),
            en("open\\w*", "clos\\w*|shut\\w*"),
            en("online", "offline"),
            en("public", "private"),
            en("active", "inactive"),
            en("faster|quicker|shorter", "slower|longer"),
            ko("증가|늘어|늘었|늘린|늘리|많아|많은|많다|많이", "감소|줄어|줄었|줄인|줄이|적어|적은|적다|적게"),
            ko("상승|오르|올랐|올라", "하락|내리|내렸|떨어"),
            ko("인상", "인하"),
            ko("확대", "축소"),
            ko("(?<!미)포함|탑재|유지|추가", "제거|삭제|중단|중지|폐지"),
            ko("최대|최고|넘", "최소|최저|제한"),
            ko("튼튼|강해|강한|강화", "약해|약한|약화"),
            ko("모든|모두|누구나|전부|전체|항상|언제나|무제한|제한 없이", "(?<=[가-힣])(?<![십백천])만(?=\\s|$|[을를이가은는의])|에게만|에서만|에만|오직|단지|뿐|한해|한하여|한정|최대"),
            ko("무제한|제한 없이|얼마든지|횟수에 관계없이|횟수 제한 없", "(?<![가-힣])(?:한|두|세|네|다섯) ?번|\\d+ ?(?:회|번)(?![가-힣])"),
            ko("개장|개관|운영|영업|진료", "휴관|휴무|휴진|휴업|폐장|폐관|휴장"),
            ko("무료", "유료"),
            ko("성공", "실패"),
            ko("흑자", "적자"),
            ko("이상|초과", "이하|미만"),
            ko("이전|(?<![가-힣])전에|앞서", "이후|(?<![가-힣])후에|(?<![가-힣])뒤에"),
            ko("(?<!비)활성화", "비활성화"),
            ko("높", "낮"),
            ko("빠르|빠른|빨리|빨라", "느리|느린|느려|늦"),
            ko("필수", "선택"),
            ko("(?<!비)공개", "비공개"),
            ko("(?<!불)합격", "불합격"),
            ko("찬성", "반대"),
            ko("오전", "오후"),
            ko("국내", "해외"),
            ko("처음|최초", "마지막"));

    static {
        if (OPPOSITES.size() > Long.SIZE) {
            throw new IllegalStateException("Polarity keeps the pairs of opposite terms in a long: at most 64 pairs");
        }
    }

    private static Opposites en(String a, String b) {
        return new Opposites(Pattern.compile("(?i)\\b(?:" + a + ")"), Pattern.compile("(?i)\\b(?:" + b + ")"));
    }

    private static Opposites ko(String a, String b) {
        return new Opposites(Pattern.compile(a), Pattern.compile(b));
    }

    private Contradictions() {
    }

    /** Limit negations rewritten as the limit they state, so that they carry no negation. */
    static String limits(String text) {
        String out = EN_LIMIT.matcher(text).replaceAll(" at most ");
        out = EN_FLOOR.matcher(out).replaceAll(" at least ");
        return KO_LIMIT.matcher(out).replaceAll(" 이하 ");
    }

    static boolean negated(String text) {
        String en = EN_NOT_A_NEGATION.matcher(FREE.matcher(limits(text)).replaceAll(" free 무료 ")).replaceAll(" ");
        String ko = KO_NOT_A_NEGATION.matcher(en).replaceAll(" ");
        boolean explicit = EN_NEGATION.matcher(ko).find() || KO_NEGATION.matcher(ko).find();
        boolean lexical = EN_NEGATIVE_WORD.matcher(ko).find() || KO_NEGATIVE_WORD.matcher(ko).find();
        return explicit != lexical;
    }

    /**
     * What a clause says about polarity: whether it is negated, and which side of each pair of opposite terms it
     * uses. Read once per clause, so that a context clause compared with many answer clauses is read only once.
     */
    record Polarity(boolean negated, long sideA, long sideB) {

        static Polarity of(String clause) {
            String normalised = FREE.matcher(limits(clause)).replaceAll(" free 무료 ");
            long a = 0;
            long b = 0;
            for (int i = 0; i < OPPOSITES.size(); i++) {
                Opposites o = OPPOSITES.get(i);
                if (o.a().matcher(normalised).find()) {
                    a |= 1L << i;
                }
                if (o.b().matcher(normalised).find()) {
                    b |= 1L << i;
                }
            }
            return new Polarity(Contradictions.negated(normalised), a, b);
        }

        /** Pairs in which this clause uses only one side and the other clause only the other side. */
        private boolean opposes(Polarity other) {
            long onlyA = sideA & ~sideB;
            long onlyB = sideB & ~sideA;
            long otherOnlyA = other.sideA & ~other.sideB;
            long otherOnlyB = other.sideB & ~other.sideA;
            return (onlyA & otherOnlyB) != 0 || (onlyB & otherOnlyA) != 0;
        }
    }

    /**
     * Why the answer clause contradicts the context clause it restates, if it does. A negation flip and an
     * opposite term cancel out: "does not open on Sundays" restates "is closed on Sundays".
     */
    static Optional<String> between(String answer, String context) {
        return between(Polarity.of(answer), Polarity.of(context));
    }

    static Optional<String> between(Polarity answer, Polarity context) {
        boolean negationFlip = answer.negated() != context.negated();
        boolean opposite = answer.opposes(context);
        if (negationFlip == opposite) {
            return Optional.empty();
        }
        if (opposite) {
            return Optional.of("uses the opposite term of the context");
        }
        return Optional.of(answer.negated() ? "negates what the context states" : "states what the context negates");
    }

    /** The clause without its polarity words, so that "open on Mondays" and "closed on Mondays" compare equal. */
    static String withoutPolarity(String clause) {
        String out = FREE.matcher(limits(clause)).replaceAll(" free ");
        out = KO_NOT_A_NEGATION.matcher(EN_NOT_A_NEGATION.matcher(out).replaceAll(" ")).replaceAll(" ");
        out = EN_NEGATION.matcher(out).replaceAll(" ");
        out = KO_NEGATIVE_WORD.matcher(EN_NEGATIVE_WORD.matcher(out).replaceAll(" ")).replaceAll(" ");
        out = KO_NEGATED_WORD.matcher(out).replaceAll(" ");
        for (Opposites o : OPPOSITES) {
            out = o.b().matcher(o.a().matcher(out).replaceAll(" ")).replaceAll(" ");
        }
        return out;
    }
}
