package io.streamrag.query.check;

import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.text.Sentences;
import io.streamrag.platform.vector.Vectors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores each answer sentence against the retrieved passages and flags the answer as hallucinated when its
 * weakest sentence falls below the threshold.
 *
 * <p>Support of a sentence = a blend of (a) the best cosine similarity to a context sentence (MiniLM; weighted
 * down for Korean, where MiniLM barely separates sentences) and (b) lexical coverage: the share of the sentence's
 * English content stems and Korean stem bigrams found in the context. Hard evidence then caps the support:
 * a number or amount absent from the context, a known value in the wrong unit, a negation or opposite term
 * against the context clause the sentence restates, and English proper nouns/acronyms absent from the context.
 * Citation markers ("[1]", "(source: x)") and lead-ins ("According to the context,", "문맥에 따르면") are removed
 * first; refusals ("the context does not say") are not claims. The answer score is its weakest sentence.
 *
 * <p>One {@code embedAll} call per answer (answer and context sentences together).
 */
public final class SentenceGroundednessChecker implements GroundednessChecker {

    public static final double DEFAULT_THRESHOLD = 0.5;
    static final int MAX_CONTEXT_SENTENCES = 160;
    static final double CAP_HARD = 0.15;
    static final double CAP_ENTITY = 0.35;
    static final double CAP_NOVEL_STEMS = 0.45;

    private static final Pattern CITATION = Pattern.compile(
            "\\[[^\\]\\n]{0,60}]|【[^】]{0,60}】|\\((?:source|sources|출처|doc|docs|document|문서|ref|see)\\b[^)]{0,80}\\)|\\^\\d+", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEAD_IN = Pattern.compile(
            "^(?:(?:according to|based on|as (?:stated|mentioned|described|noted|shown|explained) in|per|from|in) (?:the |this |these )?"
                    + "(?:provided |given |retrieved |above |supplied |available )?(?:context|documents?|sources?|passages?|information|texts?|excerpts?|materials?|data|documentation)"
                    + "(?: provided| given| above)?\\s*[,:]?\\s*(?:it is stated that|it says that|we can see that)?\\s*"
                    + "|(?:the )?(?:context|documents?|sources?|passages?|documentation) (?:says|states|mentions|indicates|shows|notes|explains) (?:that )?"
                    + "|(?:제공된|주어진|검색된|위의|참고한)?\\s*(?:문맥|맥락|컨텍스트|문서|자료|정보|내용|출처|본문)(?:에|에서|을|를|의)?\\s*(?:따르면|의하면|보면|근거하면|기반하면|기반하여|기반으로|바탕으로|근거하여)\\s*,?\\s*)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern REFUSAL = Pattern.compile(
            "(?i)\\b(?:i (?:do not|don't) know|i(?:'m| am) not sure|(?:the )?(?:context|documents?|sources?|passages?|information)"
                    + " (?:do(?:es)?n['’]?t|do(?:es)? not|did not|didn't) (?:contain|mention|say|include|provide|specify|state|cover|answer)|"
                    + "(?:there is|there's) no (?:information|mention)|cannot be (?:determined|answered) from|not (?:mentioned|specified|stated) in the)"
                    + "|(?:문맥|문서|자료|컨텍스트|제공된 정보|주어진 정보)(?:에|에서)?(?:는)?\\s*(?:관련|해당)?\\s*(?:정보|내용|언급)(?:가|이|은|는)?\\s*(?:없|포함되어 있지 않|나와 있지 않)|알 수 없습니다|확인할 수 없습니다|모르겠습니다");
    private static final Pattern CLAUSE = Pattern.compile(
            ";|,?\\s+(?:but|however|whereas|while|although|though|yet)\\s+|(?<=[가-힣])(?:지만|는데|으나|반면(?:에)?)[,\\s]|(?:하지만|그러나|반면에?)\\s");
    private static final Pattern PROPER = Pattern.compile(
            "(?<![\\p{L}\\p{N}])(?:[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+|[A-Z]{2,}[a-z]?s?|[A-Z][a-z]{1,}|[A-Za-z]+\\d+[A-Za-z\\d]*)(?![\\p{L}])");

    private final Embedder embedder;
    private final double threshold;

    public SentenceGroundednessChecker(Embedder embedder, double threshold) {
        if (threshold <= 0 || threshold >= 1) {
            throw new IllegalArgumentException("threshold must be in (0, 1), was " + threshold);
        }
        this.embedder = embedder;
        this.threshold = threshold;
    }

    public SentenceGroundednessChecker(Embedder embedder) {
        this(embedder, DEFAULT_THRESHOLD);
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public GroundednessReport check(String answer, List<String> contextPassages) {
        List<String> contextSentences = new ArrayList<>();
        for (String passage : contextPassages) {
            for (String s : Sentences.split(passage)) {
                String clean = CITATION.matcher(s).replaceAll(" ").strip();
                if (!clean.isEmpty()) {
                    contextSentences.add(clean);
                }
            }
        }
        Context context = new Context(contextSentences);
        List<String> raw = Sentences.split(answer == null ? "" : answer);
        List<String> claims = new ArrayList<>();
        List<Integer> claimIndex = new ArrayList<>();
        String[] cleaned = new String[raw.size()];
        for (int i = 0; i < raw.size(); i++) {
            cleaned[i] = clean(raw.get(i));
            if (isClaim(cleaned[i])) {
                claimIndex.add(i);
                claims.add(cleaned[i]);
            }
        }
        double[] similarity = similarities(claims, contextSentences);
        List<GroundednessReport.SentenceSupport> findings = new ArrayList<>();
        double weakest = 1.0;
        int claim = 0;
        for (int i = 0; i < raw.size(); i++) {
            if (claim < claimIndex.size() && claimIndex.get(claim) == i) {
                GroundednessReport.SentenceSupport s = score(raw.get(i), cleaned[i], similarity[claim], context);
                weakest = Math.min(weakest, s.support());
                findings.add(s);
                claim++;
            } else {
                findings.add(new GroundednessReport.SentenceSupport(raw.get(i), 1.0, true, "no factual claim"));
            }
        }
        if (claims.isEmpty() || contextSentences.isEmpty() && claims.isEmpty()) {
            return new GroundednessReport(1.0, false, findings);
        }
        double score = round(weakest);
        return new GroundednessReport(score, score < threshold, findings);
    }

    static String clean(String sentence) {
        String s = CITATION.matcher(sentence).replaceAll(" ").replaceAll("\\s+", " ").strip();
        for (int i = 0; i < 2; i++) {
            Matcher lead = LEAD_IN.matcher(s);
            if (lead.find() && lead.end() > 0) {
                s = s.substring(lead.end()).strip();
            }
        }
        return s;
    }

    private static boolean isClaim(String cleaned) {
        if (REFUSAL.matcher(cleaned).find()) {
            return false;
        }
        return Lexicon.stems(cleaned).size() + Quantities.extract(cleaned).size() >= 2;
    }

    /** For each claim, its best cosine similarity to a context sentence (0 when there is no embedder or context). */
    private double[] similarities(List<String> claims, List<String> contextSentences) {
        double[] best = new double[claims.size()];
        if (embedder == null || claims.isEmpty() || contextSentences.isEmpty()) {
            return best;
        }
        List<String> context = contextSentences.size() > MAX_CONTEXT_SENTENCES
                ? contextSentences.subList(0, MAX_CONTEXT_SENTENCES) : contextSentences;
        List<String> all = new ArrayList<>(claims);
        all.addAll(context);
        List<float[]> vectors = embedder.embedAll(all);
        for (int i = 0; i < claims.size(); i++) {
            double max = 0;
            for (int j = 0; j < context.size(); j++) {
                max = Math.max(max, Vectors.dot(vectors.get(i), vectors.get(claims.size() + j)));
            }
            best[i] = max;
        }
        return best;
    }

    private GroundednessReport.SentenceSupport score(String original, String sentence, double similarity, Context context) {
        boolean korean = "ko".equals(Languages.detect(sentence));
        Set<String> units = units(sentence);
        double coverage = units.isEmpty() ? 1.0 : units.stream().filter(context.units::contains).count() / (double) units.size();
        double semantic = korean ? clamp((similarity - 0.55) / 0.35) : clamp((similarity - 0.3) / 0.5);
        double support = korean ? 0.15 * semantic + 0.85 * coverage : 0.45 * semantic + 0.55 * coverage;
        List<String> reasons = new ArrayList<>();

        double cap = 1.0;
        Optional<String> numbers = numberProblem(sentence, context);
        if (numbers.isPresent()) {
            cap = Math.min(cap, CAP_HARD);
            reasons.add(numbers.get());
        }
        Optional<String> contradiction = contradiction(sentence, context);
        if (contradiction.isPresent()) {
            cap = Math.min(cap, CAP_HARD);
            reasons.add(contradiction.get());
        }
        List<String> entities = novelEntities(sentence, context);
        if (!entities.isEmpty()) {
            cap = Math.min(cap, CAP_ENTITY);
            reasons.add("names not in the context: " + String.join(", ", entities));
        }
        List<String> novelStems = novelKoreanStems(sentence, context);
        long koreanStems = Lexicon.stems(sentence).stream().filter(Lexicon::isHangul).count();
        if (koreanStems > 0 && novelStems.size() * 3 >= koreanStems && novelStems.size() >= 2) {
            cap = Math.min(cap, CAP_NOVEL_STEMS);
            reasons.add("words not in the context: " + String.join(", ", novelStems));
        }
        support = round(Math.min(support, cap));
        boolean supported = support >= threshold;
        if (!supported && reasons.isEmpty()) {
            reasons.add(String.format(Locale.ROOT, "weak support (similarity %.2f, word coverage %.2f)", similarity, coverage));
        }
        return new GroundednessReport.SentenceSupport(original, support, supported,
                reasons.isEmpty() ? "supported" : String.join("; ", reasons));
    }

    private static Optional<String> numberProblem(String sentence, Context context) {
        double tolerance = Quantities.approximate(sentence) ? 0.05 : 0.0;
        List<String> missing = new ArrayList<>();
        List<String> wrongUnit = new ArrayList<>();
        for (Quantities.Quantity q : Quantities.extract(sentence)) {
            boolean supported = false;
            boolean sameNumber = false;
            for (Quantities.Quantity c : context.quantities) {
                boolean sameRaw = Quantities.sameValue(q.raw(), c.raw(), tolerance);
                if (q.unit() == null || c.unit() == null) {
                    supported |= sameRaw || Quantities.sameValue(q.value(), c.value(), tolerance);
                } else if (q.unit().equals(c.unit())) {
                    supported |= Quantities.sameValue(q.value(), c.value(), tolerance);
                    sameNumber |= sameRaw;
                } else {
                    sameNumber |= sameRaw;
                    // Units of different classes (5 days vs 5 GB) name different things: no verdict from this pair.
                }
                if (supported) {
                    break;
                }
            }
            if (!supported) {
                (sameNumber ? wrongUnit : missing).add(q.text());
            }
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("numbers not in the context: " + String.join(", ", missing));
        }
        if (!wrongUnit.isEmpty()) {
            problems.add("number with a different unit in the context: " + String.join(", ", wrongUnit));
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** The answer clause's best-matching context clause, compared for polarity when they share most words. */
    private static Optional<String> contradiction(String sentence, Context context) {
        for (String clause : CLAUSE.split(sentence)) {
            Set<String> units = units(clause);
            if (units.size() < 2) {
                continue;
            }
            String best = null;
            double bestOverlap = 0;
            for (String candidate : context.clauses) {
                Set<String> other = context.clauseUnits.get(candidate);
                long shared = units.stream().filter(other::contains).count();
                double overlap = shared / (double) units.size();
                if (overlap > bestOverlap) {
                    bestOverlap = overlap;
                    best = candidate;
                }
            }
            if (best != null && bestOverlap >= 0.5) {
                Optional<String> why = Contradictions.between(clause, best);
                if (why.isPresent()) {
                    return Optional.of(why.get() + ": \"" + abbreviate(best) + "\"");
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> novelEntities(String sentence, Context context) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PROPER.matcher(sentence);
        while (m.find()) {
            String name = m.group();
            boolean sentenceStart = sentence.substring(0, m.start()).isBlank();
            boolean acronymOrCode = name.chars().filter(Character::isUpperCase).count() > 1 || name.chars().anyMatch(Character::isDigit);
            if (sentenceStart && !acronymOrCode) {
                continue; // a capital at the start of a sentence says nothing
            }
            String lower = name.toLowerCase(Locale.ROOT);
            String stem = Lexicon.englishStem(lower.endsWith("s") && name.chars().filter(Character::isUpperCase).count() > 1
                    ? lower.substring(0, lower.length() - 1) : lower);
            if (!context.lowerText.contains(lower) && !context.lowerText.contains(stem) && !context.units.contains(stem)) {
                out.add(name);
            }
        }
        return new ArrayList<>(out);
    }

    private static List<String> novelKoreanStems(String sentence, Context context) {
        List<String> out = new ArrayList<>();
        for (String stem : Lexicon.stems(sentence)) {
            if (!Lexicon.isHangul(stem) || context.compactText.contains(stem)) {
                continue;
            }
            Set<String> bigrams = Lexicon.hangulBigrams(stem);
            long known = bigrams.stream().filter(context.units::contains).count();
            if (known * 2 < bigrams.size() || bigrams.isEmpty()) {
                out.add(stem);
            }
        }
        return out;
    }

    /** Comparable units: English stems, Korean stems' character bigrams (and one-syllable... none). */
    static Set<String> units(String text) {
        Set<String> out = new HashSet<>();
        for (String stem : Lexicon.stems(text)) {
            if (Lexicon.isHangul(stem)) {
                out.addAll(Lexicon.hangulBigrams(stem));
            } else {
                out.add(stem);
            }
        }
        return out;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** The context read once per answer: its units, numbers and clauses. */
    private static final class Context {
        final Set<String> units = new HashSet<>();
        final List<Quantities.Quantity> quantities = new ArrayList<>();
        final List<String> clauses = new ArrayList<>();
        final java.util.Map<String, Set<String>> clauseUnits = new java.util.HashMap<>();
        final String lowerText;
        final String compactText;

        Context(List<String> sentences) {
            String text = String.join("\n", sentences);
            lowerText = text.toLowerCase(Locale.ROOT);
            compactText = text.replaceAll("\\s+", "");
            units.addAll(SentenceGroundednessChecker.units(text));
            quantities.addAll(Quantities.extract(text));
            for (String sentence : sentences) {
                for (String clause : CLAUSE.split(sentence)) {
                    clauses.add(clause);
                    clauseUnits.put(clause, SentenceGroundednessChecker.units(clause));
                }
                // The whole sentence too: a clause of the answer may restate a sentence with its condition.
                clauses.add(sentence);
                clauseUnits.put(sentence, SentenceGroundednessChecker.units(sentence));
            }
        }
    }
}
