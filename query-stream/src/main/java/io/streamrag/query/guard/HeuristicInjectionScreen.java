package io.streamrag.query.guard;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection screen for English and Korean, for questions and retrieved chunks alike (indirect injection).
 *
 * <p>The text is read in several views (see {@link TextViews}: normalised, spaced letters joined, leetspeak
 * undone, and every encoded payload decoded). Weighted signals (instruction override, fake role headers,
 * persona/jailbreak, exfiltration through links/images, prompt or secret extraction, instructions addressed to an
 * AI reader) are looked for in every view; the weights of all patterns that hit combine as a noisy-OR,
 * {@code score = 1 - prod(1 - w)}, so one strong signal or several weak ones reach the threshold while a single
 * weak cue ("developer mode" in a settings question) does not. A hit that only shows up after decoding adds a
 * "disguised payload" signal, since honest text rarely hides instructions in base64.
 *
 * <p>Talking about attacks is not an attack: a hit that sits inside quotation marks in text that discusses
 * injection ("What does 'ignore previous instructions' mean?") counts at a reduced weight.
 */
public final class HeuristicInjectionScreen implements InjectionScreen {

    public static final double DEFAULT_THRESHOLD = 0.5;
    static final double DISGUISE_WEIGHT = 0.3;
    static final double QUOTED_DISCOUNT = 0.35;

    /**
     * {@code literals}: sets of strings of which every match contains one of each (see {@link RequiredLiterals});
     * a view that misses a whole set cannot match, so the pattern is not run on it.
     */
    private record Signal(String reason, double weight, Pattern pattern, boolean compact, List<List<String>> literals) {
        Signal(String reason, double weight, Pattern pattern, boolean compact) {
            this(reason, weight, pattern, compact, RequiredLiterals.of(pattern));
        }
    }

    private static final List<Signal> SIGNALS = new ArrayList<>();

    // Separator between English words: spaces or punctuation, possibly none (letters joined by the views).
    private static final String S = "[\\s\\p{P}\\p{S}]*";
    private static final String DET = "(?:(?:all|any|every|each)" + S + ")?(?:of" + S + ")?(?:(?:the|your|my|these|those|this|its|their|our)" + S + ")?";
    private static final String MODIFIER = "(?:previous|prior|preceding|above|earlier|former|original|initial|old|existing|system|safety|developer|default|given|current|hidden|prior)";
    private static final String NOUN = "(?:instructions?|prompts?|directions?|directives?|rules|guidelines|guardrails|constraints|commands|context|programming|restrictions|policies|policy|messages|orders|training|settings)";
    private static final String STRONG_NOUN = "(?:instructions|system" + S + "prompt|directives|guardrails|programming|safety" + S + "guidelines|content" + S + "polic(?:y|ies))";
    private static final String QUOTED = "\"[^\"\\n]{1,300}\"|“[^”\\n]{1,300}”|‘[^’\\n]{1,300}’|(?<![\\p{L}\\p{N}])'[^'\\n]{1,300}'(?![\\p{L}\\p{N}])|「[^」]{1,300}」|『[^』]{1,300}』|«[^»\\n]{1,300}»|`[^`\\n]{1,300}`";
    private static final Pattern QUOTES = Pattern.compile(QUOTED);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** In a view without spaces a quote mark follows a letter, so the word-boundary guard on ' cannot apply. */
    private static final Pattern QUOTES_COMPACT = Pattern.compile(QUOTED.replace("(?<![\\p{L}\\p{N}])'[^'\\n]{1,300}'(?![\\p{L}\\p{N}])", "'[^'\\n]{1,300}'"));
    private static final Pattern META_TALK = Pattern.compile(
            "(?i)prompt" + S + "injection|jailbreak|attack|example|security|defen[cs]e|protect|detect|prevent|mitigat|filter|classif|what" + S + "(?:does|is|are)|meaning|mean\\b|explain|phrase|인젝션|공격|예시|예제|보안|방어|탐지|차단|막|의미|뭐야|무엇|무슨|설명|문구|표현");

    private static void en(String reason, double weight, String regex) {
        SIGNALS.add(new Signal(reason, weight, Pattern.compile("(?<![\\p{L}])(?:" + regex.replace(" ", S) + ")"), false));
    }

    private static void ko(String reason, double weight, String regex) {
        SIGNALS.add(new Signal(reason, weight, Pattern.compile(regex), true));
    }

    static {
        String override = "instruction override";
        en(override, 0.75, "(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|discard|neglect|ditch|throw out) " + DET + MODIFIER + " " + NOUN);
        en(override, 0.75, "(?:ignore|disregard|forget|override|bypass|discard|neglect) " + DET + STRONG_NOUN);
        en(override, 0.7, "(?:ignore|disregard|forget|set aside|put aside|throw away|abandon|discard|drop) " + DET + NOUN + " (?:you (?:were|have been|'ve been) (?:given|told|taught)|(?:given|provided) (?:to you|earlier|before|above|previously)|from before)");
        en(override, 0.7, "(?:ignore|disregard|forget) (?:all|everything|anything) (?:you (?:were|have been|'ve been) told|(?:written|said|stated) (?:above|before|earlier)|above|before this|prior)");
        en(override, 0.65, "(?:do not|don't|dont|stop|no longer) (?:follow|following|obey|obeying|adhere to|adhering to|comply with|complying with) " + DET + "(?:" + MODIFIER + " )?" + NOUN);
        en(override, 0.5, "(?:new|updated|real|actual|revised|override) (?:system )?(?:instructions?|directives?|rules|orders)\\s*:");
        en(override, 0.3, "from now on,? you (?:will|must|shall|are|should)");
        en("instructions addressed to an AI reader", 0.55, "(?:note|message|instructions?|attention|important) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|model|agent|bot)s?\\b");
        en("instructions addressed to an AI reader", 0.55, "if you are an? (?:ai|llm|language model|assistant|chatbot|agent|gpt)");
        en("instructions addressed to an AI reader", 0.5, "(?:ai|llm|assistant|chatbot|agent|model)s? (?:reading|processing|summari[sz]ing|parsing) this");

        String header = "fake system/role header";
        en(header, 0.7, "<\\|?(?:im_start|im_end|system|endoftext|start_header_id|eot_id)\\|?>|\\[/?inst\\]|<</?sys>>|</?(?:system|sys|instructions?)>|\\[(?:system|sys)\\]|#{2,} ?(?:system|assistant|instruction|new instructions?|developer)\\b");
        SIGNALS.add(new Signal(header, 0.5, Pattern.compile("(?m)^[\\s>*#\\-]*(?:system|assistant|developer|admin|root|sysadmin)(?: (?:prompt|message|override|instruction|note|notice))? ?:"), false));
        en(header, 0.5, "(?:begin|start|end) (?:of )?(?:system|hidden|new|developer) (?:prompt|instructions?|message)");
        ko(header, 0.5, "(?m)^[>*#\\-]*(?:시스템|관리자|개발자|운영자)(?:메시지|프롬프트|지시|공지|알림)?[:：]");

        String persona = "role-play / jailbreak persona";
        en(persona, 0.7, "you (?:are|'re|will be|are going to (?:be|act as)) (?:now |from now on |going to be )?(?:dan|stan|dude|aim|mongo tom|an? (?:unrestricted|unfiltered|uncensored|jailbroken|evil|rogue|amoral|unethical|unaligned)\\b)");
        en(persona, 0.55, "an? (?:ai|assistant|model|chatbot|bot|llm) (?:with no|without|free of|free from) (?:any )?(?:limits|limitations|restrictions|rules|filters|ethics|morals|guidelines|censorship)");
        en(persona, 0.55, "(?:as|like|be|become|into) an? (?:unrestricted|unfiltered|uncensored|jailbroken|unaligned|amoral) (?:ai|assistant|model|chatbot|version|llm)");
        en(persona, 0.6, "do anything now|jailbroken|dan mode|evil confidant|opposite mode|no-?limits mode");
        en(persona, 0.3, "(?:developer|dev|god|debug|admin|sudo|unrestricted|unfiltered|maintenance|unlocked) mode");
        en(persona, 0.35, "jailbreak");
        en(persona, 0.35, "(?:without|no|free (?:of|from)|remove|removing|lift|disable) (?:any |all |your |the )?(?:restrictions|limitations|filters|filtering|censorship|rules|ethical (?:guidelines|constraints|limits)|moral (?:guidelines|constraints)|safety (?:guidelines|rules|measures)|guardrails|content polic(?:y|ies)|boundaries)");
        en(persona, 0.5, "(?:pretend|imagine|act as if|act like|behave as if|roleplay|role-play) (?:that )?(?:you are|you're|to be|you were|being) .{0,40}?(?:with no|without|free of|free from|no) (?:any )?(?:rules|restrictions|limits|limitations|filters|guidelines|ethics|morals|censorship)");
        en(persona, 0.6, "(?:ignore|bypass|disable|turn off|switch off|deactivate|circumvent) (?:your |the |all |any )?(?:safety |content |ethical |moderation )?(?:filters?|guardrails|safeguards|moderation|safety (?:features|measures|guidelines)|content polic(?:y|ies)|restrictions)");
        en(persona, 0.5, "(?:pretend|imagine|act as if|act like|behave as if) (?:that )?you (?:are|were|have|had) (?:no longer |not |no )(?:an? )?(?:ai|assistant|model|bound|restricted|limits|restrictions|rules|guidelines|filters)");
        en(persona, 0.4, "(?:never|do not|don't|must not) (?:refuse|decline|say (?:no|you can't|you cannot))|(?:answer|respond to|comply with) (?:any|every|all) (?:request|question|prompt)s? (?:without|no matter)|(?:answer|respond to|do|tell me) (?:everything|anything|whatever) (?:i|you're|you are|the user) (?:ask|say|want|request|told)");
        en(persona, 0.25, "stay in character|roleplay as|role-play as|you are no longer (?:an? )?(?:ai|assistant|chatgpt|bound)");
        ko(persona, 0.35, "탈옥");
        ko(persona, 0.3, "(?:개발자|디버그|관리자|제한해제|무제한|갓|신|무검열|언락)모드");
        ko(persona, 0.4, "(?:제한|필터|검열|규칙|제약|윤리|안전장치|가이드라인|정책)(?:이|가|을|를|은|는|도|들)?(?:모두|전부|다)?(?:없이|없는|해제|풀고|풀어|끄고|꺼|우회)");
        ko(persona, 0.65, "(?:너는|넌|당신은|네가|니가)(?:이제|지금부터|앞으로|오늘부터)?.{0,12}(?:dan|제한없는|제약없는|검열없는|필터없는|탈옥한|무엇이든할수있는|악당|해커ai|무제한)");
        ko(persona, 0.3, "(?:지금부터|이제부터|앞으로)(?:너는|넌|당신은)");
        ko(persona, 0.55, "(?:제한|제약|검열|필터|규칙|윤리)(?:이|가)?(?:없는|해제된|풀린)(?:ai|인공지능|챗봇|모델|어시스턴트|봇|버전)");
        ko(persona, 0.4, "(?:거절|거부)(?:하지|하면)(?:마|말|안돼|않)|무엇이든(?:대답|답|말)(?:해|하라|할수)");
        ko(persona, 0.2, "역할극|롤플레이|인척(?:해|하)");

        String exfil = "data exfiltration through a link or image";
        en(exfil, 0.55, "!\\[[^\\]]*\\]\\(\\s*(?:https?:)?//[^)\\s]+\\?[^)\\s]*=");
        en(exfil, 0.55, "(?:https?:)?//[^\\s)]+\\?[^\\s)]*=(?:\\{|\\$|\\[|<|%7b|%24)");
        en(exfil, 0.65, "(?:send|forward|post|upload|transmit|e-?mail|exfiltrate|leak|submit|append|attach|include|embed|encode)\\b.{0,50}\\b(?:conversation|chat|history|messages|system prompt|prompt|instructions|api keys?|credentials|passwords?|secrets?|tokens?|user data|personal data|previous answers|session|cookies?)\\b.{0,60}(?:https?://|www\\.|\\S+@\\S+\\.|\\burl\\b|\\blink\\b|endpoint|server|webhook|image)");
        ko(exfil, 0.65, "(?:대화|채팅|기록|이력|시스템프롬프트|프롬프트|비밀번호|api키|키값|토큰|개인정보|메시지|세션|쿠키|사용자정보|이전답변).{0,40}(?:https?://|www\\.|[\\w.+-]+@[\\w-]+\\.[\\w.]+|url|링크|서버|웹훅|webhook|엔드포인트|이미지).{0,40}(?:전송|보내|업로드|전달|포함|붙여|첨부|넣어|삽입)");
        ko(exfil, 0.65, "(?:https?://\\S+|www\\.\\S+|url|링크|서버|웹훅|webhook|엔드포인트).{0,40}(?:대화|채팅|기록|이력|시스템프롬프트|프롬프트|비밀번호|api키|토큰|개인정보|메시지|세션|쿠키|사용자정보).{0,30}(?:전송|보내|업로드|전달|포함|붙여|첨부|넣어|삽입)");

        String extract = "system prompt / secret extraction";
        en(extract, 0.6, "(?:reveal|show|print|display|output|repeat|recite|dump|leak|expose|disclose|tell|give|share|send|write out|spell out|paste|return|list|what (?:is|are|was|were)) (?:me |us )?(?:all |exactly |verbatim )?(?:of )?(?:your|ur) (?:(?:entire|full|complete|exact|original|initial|hidden|secret|internal|underlying|confidential|actual|real|first) )*(?:system prompt|system message|system instructions|prompt|instructions|initial instructions|rules|guidelines|directives|configuration|developer message|pre-?prompt|api keys?|secrets?|passwords?|credentials|training data)");
        en(extract, 0.55, "(?:reveal|show|print|display|output|repeat|recite|dump|leak|expose|disclose|tell|give|share|write out|spell out|paste|return) (?:me |us )?(?:the |this )?(?:(?:entire|full|complete|exact|original|initial|hidden|secret|internal|confidential|actual|real|first) )+(?:system prompt|system message|system instructions|prompt|instructions|developer message|pre-?prompt)");
        en(extract, 0.55, "(?:reveal|show|print|display|output|repeat|recite|dump|leak|disclose|tell|give) (?:me |us )?(?:the |your )?(?:system prompt|instructions|text|words|content|everything) (?:verbatim|word for word|above|you were given|before this|that came before)");
        en(extract, 0.5, "(?:repeat|print|output|copy|echo|reproduce) (?:all |everything |the (?:text|words|content|lines) )?(?:above|before this|preceding|that came before|from the (?:beginning|start))|starting with (?:\"|')?you are");
        ko(extract, 0.6, "(?:너의|너의|네|니|당신의|너한테주어진|당신에게주어진|너에게주어진|위의|앞의|숨겨진|내부|초기|원래|원본|비밀)(?:시스템)?(?:프롬프트|지시사항|지시문|지시|지침|명령어|설정값|규칙|초기설정)(?:를|을|은|는|전체|전문|내용|모두|전부|그대로){0,3}.{0,6}?(?:알려|보여|출력|공개|말해|적어|반복|유출|노출|복사|읊어)");
        ko(extract, 0.55, "(?:너의|네|니|당신의|숨겨진|내부|초기|원래|원본|비밀)(?:시스템)?(?:프롬프트|지시사항|지시문|지시|지침|명령어|규칙|설정)(?:가|이|은|는)?(?:뭐|무엇|어떻게되)");
        ko(extract, 0.55, "시스템(?:프롬프트|메시지|지시|지시사항)(?:를|을|은|는)?(?:그대로|전부|전체|전문|원문|모두|내용|있는그대로)?(?:를|을)?(?:알려|보여|출력|공개|말해|적어|유출|노출|읊어|복사)(?:줘|주세요|줄래|주라|해|하시오|하라|봐|라)");
        ko(extract, 0.5, "(?:위|앞|이전|처음)(?:의|에있는|에나온)?(?:내용|텍스트|문장|지시|글)(?:을|를)?(?:그대로|전부|모두|한글자도|빠짐없이|똑같이)*(?:반복|출력|복사|보여)");
        ko(extract, 0.5, "(?:api키|비밀번호|비밀키|토큰|환경변수|자격증명)(?:를|을)?(?:그대로|전부|모두)?(?:알려|보여|출력|공개|말해)");

        String koOverride = "instruction override";
        String koNoun = "(?:지시|지시사항|지시문|지침|명령|명령어|규칙|프롬프트|제약|제약사항|제한|제한사항|가이드라인|정책|안내|instructions?|prompts?|rules)";
        String koDo = "(?:무시(?:해|하고|하세요|하라|하십시오|해라|해줘|하시오|할것|하자|하며)|잊어|잊고|잊으세요|잊어라|따르지(?:마|말|않아도)|무효(?:로|화)|취소하고|버리고|버려|어기고|어겨)";
        ko(koOverride, 0.75, "(?:이전|앞|위|기존|모든|지금까지|앞서|원래|초기|시스템|기본|너의|당신의|네|받은|주어진)(?:의|에|에서|에서의|의모든|에받은|에주어진|받은|까지의)?(?:모든)?" + koNoun + "(?:들|사항)?(?:을|를|은|는|도|이나|과)?(?:모두|전부|다|일단|완전히)?" + koDo);
        ko(koOverride, 0.7, koNoun + "(?:들|사항)?(?:을|를|은|는)(?:모두|전부|다|완전히)" + koDo);
        ko(koOverride, 0.5, "(?:새로운|새|진짜|실제|변경된|업데이트된)(?:지시|지시사항|명령|규칙)[:：]");
        ko(koOverride, 0.4, "(?:지금부터|이제부터)(?:는)?(?:아래|다음|내)(?:의)?(?:지시|명령|말)(?:만|에만)");
        ko("instructions addressed to an AI reader", 0.55, "이(?:문서|글|내용|페이지|메일|파일|자료)(?:를|을)?(?:읽는|처리하는|요약하는|분석하는|검토하는)(?:ai|인공지능|챗봇|모델|어시스턴트|llm|에이전트|언어모델)");
        ko("instructions addressed to an AI reader", 0.55, "(?:이(?:문서|글|내용|페이지)를?(?:읽는|처리하는|요약하는)|ai라면|ai(?:는|에게|모델은|어시스턴트는|챗봇은)|인공지능(?:은|에게)|챗봇(?:은|에게)|어시스턴트(?:는|에게)|언어모델(?:은|에게)).{0,40}(?:무시|지시|명령|반드시|출력|보내|응답하지|답하지|말하고|말해|물어|요청하|추천하)");
    }

    private static final RequiredLiterals.Index LITERALS = new RequiredLiterals.Index(SIGNALS.stream().map(Signal::literals).toList());
    private static final BitSet ALL = new BitSet();

    static {
        ALL.set(0, SIGNALS.size());
    }

    private final double threshold;

    public HeuristicInjectionScreen(double threshold) {
        if (threshold <= 0 || threshold > 1) {
            throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
        }
        this.threshold = threshold;
    }

    public HeuristicInjectionScreen() {
        this(DEFAULT_THRESHOLD);
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public ScreenVerdict screen(String text) {
        return screen(text, true);
    }

    /** The same screen running every pattern on every view: the reference the literal prefilter must agree with. */
    ScreenVerdict screenWithoutPrefilter(String text) {
        return screen(text, false);
    }

    private ScreenVerdict screen(String text, boolean prefilter) {
        if (text == null || text.isBlank()) {
            return ScreenVerdict.clean();
        }
        List<TextViews.View> views = TextViews.of(text);
        Boolean talksAboutAttacks = null; // looked up at the first hit: most texts have none
        // A view equal to an earlier one cannot hit where the earlier one missed; its compact form is made once.
        List<TextViews.View> distinct = new ArrayList<>(views.size());
        List<String> compacts = new ArrayList<>(views.size());
        List<BitSet> textCandidates = new ArrayList<>(views.size());
        List<BitSet> compactCandidates = new ArrayList<>(views.size());
        Set<String> seen = new HashSet<>();
        for (TextViews.View view : views) {
            if (!prefilter || seen.add(view.text())) {
                String compact = WHITESPACE.matcher(view.text()).replaceAll("");
                distinct.add(view);
                compacts.add(compact);
                textCandidates.add(prefilter ? LITERALS.candidates(view.text()) : ALL);
                compactCandidates.add(prefilter ? LITERALS.candidates(compact) : ALL);
            }
        }
        // One hit per (reason, pattern); the strongest view wins: plain text first, then decoded readings.
        Map<Signal, Double> weights = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        boolean disguised = false;
        for (int s = 0; s < SIGNALS.size(); s++) {
            Signal signal = SIGNALS.get(s);
            for (int i = 0; i < distinct.size(); i++) {
                TextViews.View view = distinct.get(i);
                String body = signal.compact() ? compacts.get(i) : view.text();
                if (!(signal.compact() ? compactCandidates : textCandidates).get(i).get(s)) {
                    continue;
                }
                Matcher m = signal.pattern().matcher(body);
                if (!m.find()) {
                    continue;
                }
                double weight = signal.weight();
                if (talksAboutAttacks == null) {
                    talksAboutAttacks = META_TALK.matcher(views.getFirst().text()).find();
                }
                boolean quoted = talksAboutAttacks && !view.disguised()
                        && insideQuotes(signal.compact() ? QUOTES_COMPACT : QUOTES, body, m.start(), m.end());
                if (quoted) {
                    weight *= QUOTED_DISCOUNT;
                }
                weights.put(signal, weight);
                disguised |= view.disguised() && !view.how().contains("spaced") && !view.how().contains("leet");
                String where = view.how().equals("text") ? "" : " (in " + view.how() + " text)";
                reasons.putIfAbsent(signal.reason() + where, signal.reason() + where + ": \"" + snippet(m.group()) + "\""
                        + (quoted ? " (quoted, discounted)" : ""));
                break;
            }
        }
        if (weights.isEmpty()) {
            return ScreenVerdict.clean();
        }
        double keep = 1.0;
        for (double w : weights.values()) {
            keep *= 1 - w;
        }
        if (disguised) {
            keep *= 1 - DISGUISE_WEIGHT;
            reasons.put("disguised", "payload hidden by encoding (decoded and screened)");
        }
        double score = Math.round((1 - keep) * 1000) / 1000.0;
        return new ScreenVerdict(score >= threshold, score, List.copyOf(reasons.values()));
    }

    private static boolean insideQuotes(Pattern quotes, String text, int start, int end) {
        Matcher q = quotes.matcher(text);
        while (q.find()) {
            if (q.start() <= start && q.end() >= end) {
                return true;
            }
            if (q.start() > start) {
                return false;
            }
        }
        return false;
    }

    private static String snippet(String match) {
        String s = WHITESPACE.matcher(match.strip()).replaceAll(" ");
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
