package io.streamrag.query.check;

import io.streamrag.platform.cache.BoundedMemo;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.text.Sentences;
import io.streamrag.platform.vector.Vectors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.HashMap;
import java.util.Map;
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
 * a number or amount absent from the context, a known value in the wrong unit, on the wrong counted thing or per
 * the wrong period, a negation, opposite term or scope change against the context clause the sentence restates,
 * English proper nouns/acronyms absent from the context, a replaced noun phrase, and an added clause.
 * Citation markers ("[1]", "(source: x)") and lead-ins ("According to the context,", "문맥에 따르면") are removed
 * first; refusals ("the context does not say") are not claims. The answer score is its weakest sentence.
 *
 * <p>At most one {@code embedAll} call per answer: answer sentences found verbatim in the context are not
 * embedded, and context-sentence vectors are kept in a bounded LRU shared across answers.
 */
public final class SentenceGroundednessChecker implements GroundednessChecker {

    public static final double DEFAULT_THRESHOLD = 0.5;
    static final int MAX_CONTEXT_SENTENCES = 160;
    /** 4,096 MiniLM vectors take about 6 MB and cover the sentences of a few hundred popular chunks. */
    public static final int DEFAULT_CACHED_SENTENCES = 4096;
    static final double CAP_HARD = 0.15;
    static final double CAP_ENTITY = 0.35;
    static final double CAP_NEW_CLAUSE = 0.45;
    /** A clause whose words are mostly absent from the context is an added claim. */
    static final double NEW_CLAUSE_COVERAGE = 0.34;
    /** Korean paraphrases change endings and verbs more, so less of a restated clause survives as bigrams. */
    static final double NEW_CLAUSE_COVERAGE_KO = 0.2;

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
            ";|,?\\s+(?:but|however|whereas|while|although|though|yet|without)\\s+|,\\s+(?=(?:but )?not\\s)|(?<=[가-힣])(?:지만|는데|으나|반면(?:에)?)[,\\s]|(?:하지만|그러나|반면에?)\\s|(?<=않고)\\s");
    /** Clause boundaries for finding an added claim: contrasts plus "and"-joined statements. */
    private static final Pattern CLAIM_CLAUSE = Pattern.compile(CLAUSE.pattern()
            + "|,\\s*and\\s+|\\s+and also\\s+|,?\\s+as well as\\s+|(?<=[며고]),\\s|(?<=[가-힣](?:이며|하며|되며|으며|이고|하고|되고))\\s|\\s(?:또한|그리고)\\s");
    /** Clause boundaries for polarity: contrasts, and coordinated predicates ("..., and may not ..."). */
    private static final Pattern POLARITY_CLAUSE = Pattern.compile(CLAUSE.pattern()
            + "|,\\s*and\\s+|\\s+and\\s+(?=(?:may|must|can|cannot|should|will|is|are|was|were|does|do|did|has|have)\\b)"
            // a coordinated predicate that carries polarity: "adds dark mode and removes support for ..."
            + "|\\s+and\\s+(?=(?:add|remov|delet|drop|includ|exclud|increas|decreas|rais|lower|allow|prohibit|enabl|disabl|extend|shorten)\\w*\\b)"
            + "|(?<=[가-힣][며고]),?\\s");
    private static final Pattern KO_PARTICLE_WORD = Pattern.compile("^([가-힣]+?)(에서|에게|으로|이|가|은|는|을|를|에|로|와|과|의|도)$");
    private static final Pattern PROPER = Pattern.compile(
            "(?<![A-Za-z0-9])(?:[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+|[A-Z]{2,}[a-z]?s?|[A-Z][a-z]{1,}|[A-Za-z]+\\d+[A-Za-z\\d]*)(?![A-Za-z])");

    private static final Pattern COUNTED = Pattern.compile(
            "(?<![\\p{L}\\d.,])(\\d+(?:[.,]\\d+)*|(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\\b)"
                    + "(?:\\s([A-Za-z]{3,})\\b|(?<=\\d)([가-힣]+)|(?<=\\d)([A-Za-z]{1,4})(?![A-Za-z]))");
    private static final List<String> NUMBER_WORDS = List.of("two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve");
    private static final Pattern RANGE_START = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s?(?:[~–-]|to|or|에서)\\s?$");
    private static final Pattern KO_PARTICLE_START = Pattern.compile("에|으로|로|까지|부터|이|가|을|를|은|는|의|도|와|과|만|및|또는|보다|처럼");
    private static final Pattern NOUN_PHRASE_START = Pattern.compile(
            "the|a|an|of|on|in|at|from|to|into|onto|by|with|for|near|via|toward|towards|through");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}.]+|\\.(?!\\d)");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern PREDICATE_STEM = Pattern.compile(".*(?:하|되|있|없|했|였|된|한)");
    private static final Pattern PREDICATE_MODIFIER = Pattern.compile(".*[을를]?(?:하|되|있|없)는");

    private final SentenceEmbeddings embeddings;
    private final double threshold;

    /**
     * @param embedder        sentence embedder (MiniLM); null to judge on lexical and structural evidence only
     * @param threshold       support below which a sentence (and so the answer) is unsupported, in (0, 1)
     * @param cachedSentences how many context-sentence vectors to keep across answers (LRU; 0 = none)
     */
    public SentenceGroundednessChecker(Embedder embedder, double threshold, int cachedSentences) {
        if (threshold <= 0 || threshold >= 1) {
            throw new IllegalArgumentException("threshold must be in (0, 1), was " + threshold);
        }
        this.embeddings = embedder == null ? null : new SentenceEmbeddings(embedder, cachedSentences);
        this.threshold = threshold;
    }

    public SentenceGroundednessChecker(Embedder embedder, double threshold) {
        this(embedder, threshold, DEFAULT_CACHED_SENTENCES);
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
        // A claim that restates a whole context sentence word for word is supported as it stands: no lexical check
        // can find more in it than in the sentence it copies. Extractive answers are common, so this saves reading
        // the context at all when every claim is such a copy.
        Set<String> wholeSentences = new HashSet<>();
        contextSentences.forEach(sentence -> wholeSentences.add(verbatimForm(sentence)));
        Context context = null;
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
                GroundednessReport.SentenceSupport s;
                if (wholeSentences.contains(verbatimForm(cleaned[i]))) {
                    s = new GroundednessReport.SentenceSupport(raw.get(i), 1.0, true, "stated word for word in the context");
                } else {
                    context = context == null ? new Context(contextSentences) : context;
                    s = score(raw.get(i), cleaned[i], similarity[claim], context);
                }
                weakest = Math.min(weakest, s.support());
                findings.add(s);
                claim++;
            } else {
                findings.add(new GroundednessReport.SentenceSupport(raw.get(i), 1.0, true, "no factual claim"));
            }
        }
        if (claims.isEmpty()) {
            return new GroundednessReport(1.0, false, findings);
        }
        double score = round(weakest);
        return new GroundednessReport(score, score < threshold, findings);
    }

    static String clean(String sentence) {
        String s = WHITESPACE.matcher(CITATION.matcher(sentence).replaceAll(" ")).replaceAll(" ").strip();
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

    /**
     * For each claim, its best cosine similarity to a context sentence (0 when there is no embedder or context).
     * A claim found word for word in the context (case and punctuation aside) has similarity 1 without being
     * embedded; the rest are embedded with the uncached context sentences in one call.
     */
    private double[] similarities(List<String> claims, List<String> contextSentences) {
        double[] best = new double[claims.size()];
        if (claims.isEmpty() || contextSentences.isEmpty()) {
            return best;
        }
        String verbatimContext = " " + verbatimForm(String.join(" \n ", contextSentences)) + " ";
        List<Integer> toEmbed = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            String claim = verbatimForm(claims.get(i));
            if (!claim.isEmpty() && verbatimContext.contains(" " + claim + " ")) {
                best[i] = 1.0;
            } else {
                toEmbed.add(i);
            }
        }
        if (embeddings == null || toEmbed.isEmpty()) {
            return best;
        }
        List<String> context = contextSentences.size() > MAX_CONTEXT_SENTENCES
                ? contextSentences.subList(0, MAX_CONTEXT_SENTENCES) : contextSentences;
        List<float[]> vectors = embeddings.embed(toEmbed.stream().map(claims::get).toList(), context);
        for (int k = 0; k < toEmbed.size(); k++) {
            double max = 0;
            for (int j = 0; j < context.size(); j++) {
                max = Math.max(max, Vectors.dot(vectors.get(k), vectors.get(toEmbed.size() + j)));
            }
            best[toEmbed.get(k)] = max;
        }
        return best;
    }

    /** Lower case words and numbers separated by single spaces: "Refunds, within 30 days." -> "refunds within 30 days". */
    static String verbatimForm(String text) {
        return NON_WORD.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    private GroundednessReport.SentenceSupport score(String original, String sentence, double similarity, Context context) {
        boolean korean = "ko".equals(Languages.detect(sentence));
        Set<String> units = units(sentence);
        double coverage = units.isEmpty() ? 1.0 : units.stream().filter(context.units::contains).count() / (double) units.size();
        // Paraphrases keep well over half of the words (Korean: of the stem bigrams), so coverage saturates there.
        double semantic = korean ? clamp((similarity - 0.55) / 0.35) : clamp((similarity - 0.3) / 0.5);
        double support = korean ? 0.15 * semantic + 0.85 * clamp(coverage / 0.6) : 0.4 * semantic + 0.6 * clamp(coverage / 0.7);
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
        Optional<String> substituted = koreanSubstitution(sentence, context);
        if (substituted.isPresent()) {
            cap = Math.min(cap, CAP_ENTITY);
            reasons.add(substituted.get());
        }
        if (substituted.isEmpty()) {
            substituted = koreanRoleSwap(sentence, context);
            if (substituted.isPresent()) {
                cap = Math.min(cap, CAP_ENTITY);
                reasons.add(substituted.get());
            }
        }
        Optional<String> phrase = substitutedPhrase(sentence, context);
        if (phrase.isPresent() && substituted.isEmpty()) {
            cap = Math.min(cap, CAP_ENTITY);
            reasons.add(phrase.get());
        }
        Optional<String> swapped = swappedAroundNumber(sentence, context);
        if (swapped.isPresent()) {
            cap = Math.min(cap, CAP_HARD);
            reasons.add(swapped.get());
        }
        Optional<String> counted = countedThingProblem(sentence, context);
        if (counted.isPresent()) {
            cap = Math.min(cap, CAP_HARD);
            reasons.add(counted.get());
        }
        Optional<String> rate = rateProblem(sentence, context);
        if (rate.isPresent()) {
            cap = Math.min(cap, CAP_HARD);
            reasons.add(rate.get());
        }
        Optional<String> added = addedClause(sentence, context);
        if (added.isPresent()) {
            cap = Math.min(cap, CAP_NEW_CLAUSE);
            reasons.add(added.get());
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
            boolean countedElsewhere = q.counted() && context.quantities.stream()
                    .anyMatch(c -> c.counter() != null && c.counter().equals(q.counter()));
            if (!supported && (sameNumber || !q.counted() || countedElsewhere)) {
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

    /**
     * Compares each answer clause for polarity with every context clause that says the same thing apart from
     * polarity words: most of the smaller clause's words shared, at least two of them or all of a short clause.
     */
    private static Optional<String> contradiction(String sentence, Context context) {
        for (String clause : POLARITY_CLAUSE.split(sentence)) {
            Set<String> units = units(Contradictions.withoutPolarity(clause));
            if (units.isEmpty()) {
                continue;
            }
            // Candidates: the clause that restates this one best (Jaccard), and short clauses it fully contains
            // ("closed on Mondays" inside "open on Mondays from 9 to 6").
            List<Integer> candidates = new ArrayList<>();
            int best = -1;
            double bestJaccard = 0.3;
            for (int i = 0; i < context.clauses.size(); i++) {
                Set<String> other = context.clausePolarityFree.get(i);
                if (other.isEmpty()) {
                    continue;
                }
                long shared = units.stream().filter(other::contains).count();
                double jaccard = shared / (double) (units.size() + other.size() - shared);
                if (shared >= 2 && jaccard > bestJaccard) {
                    bestJaccard = jaccard;
                    best = i;
                }
                if (shared == other.size()) {
                    candidates.add(i);
                }
            }
            if (best >= 0) {
                candidates.add(best);
            }
            Contradictions.Polarity polarity = candidates.isEmpty() ? null : Contradictions.Polarity.of(clause);
            for (int i : candidates) {
                Optional<String> why = Contradictions.between(polarity, context.clausePolarity.get(i));
                if (why.isPresent()) {
                    return Optional.of(why.get() + ": \"" + abbreviate(context.clauses.get(i)) + "\"");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * In a sentence of several clauses, a clause of three or more words of which only a third appear in the
     * context: a claim added to a supported one. A single-clause sentence is judged by its overall support.
     */
    private static Optional<String> addedClause(String sentence, Context context) {
        String[] clauses = CLAIM_CLAUSE.split(sentence);
        if (clauses.length < 2) {
            return Optional.empty();
        }
        for (String clause : clauses) {
            Set<String> units = units(clause);
            boolean korean = "ko".equals(Languages.detect(clause));
            if (units.size() < (korean ? 4 : 3)) {
                continue;
            }
            double coverage = units.stream().filter(context.units::contains).count() / (double) units.size();
            if (coverage < (korean ? NEW_CLAUSE_COVERAGE_KO : NEW_CLAUSE_COVERAGE)) {
                return Optional.of("claim not in the context: \"" + abbreviate(clause.strip()) + "\"");
            }
        }
        return Optional.empty();
    }

    /**
     * A number put on a thing the context counts with other numbers: "12 tablets" where the context says
     * "8 tablets" and uses 12 only for something else ("under 12 years"). Both sides must disagree, so a number
     * merely followed by another word ("version 3.2 drops ...") is no evidence.
     */
    private static Optional<String> countedThingProblem(String sentence, Context context) {
        for (Map.Entry<String, String> counted : countedThings(sentence, false)) {
            Set<String> thingsOfNumber = context.thingsByNumber.getOrDefault(counted.getKey(), Set.of());
            Set<String> numbersOfThing = context.numbersByThing.getOrDefault(counted.getValue(), Set.of());
            if (!thingsOfNumber.isEmpty() && !thingsOfNumber.contains(counted.getValue())
                    && !numbersOfThing.isEmpty() && !numbersOfThing.contains(counted.getKey())) {
                return Optional.of("\"" + counted.getKey() + " " + counted.getValue() + "\" where the context counts it as "
                        + String.join(", ", numbersOfThing));
            }
        }
        return Optional.empty();
    }

    /**
     * (number, counted word) pairs, with or without a measurement unit: "12 tablets" -> (12, tablet), "8정을" -> (8, 정).
     * The context's measured pairs ("12 years") tell what a number is used for; the answer's are left to the unit check.
     * Korean counters are the first syllable attached to the digits, unless it is a particle ("3.2에서").
     */
    static List<Map.Entry<String, String>> countedThings(String text, boolean withMeasured) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        Matcher m = COUNTED.matcher(text);
        while (m.find()) {
            String number = m.group(1).replace(",", "");
            int word = NUMBER_WORDS.indexOf(number.toLowerCase(Locale.ROOT));
            if (word >= 0) {
                number = Integer.toString(word + 2);
            }
            String thing;
            if (m.group(2) != null) {
                List<String> stems = Lexicon.stems(m.group(2));
                if (stems.isEmpty()) {
                    continue;
                }
                thing = stems.getFirst();
            } else if (m.group(4) != null) {
                thing = m.group(4).toLowerCase(Locale.ROOT); // "300km": a unit written next to the digits
            } else {
                String attached = m.group(3);
                if (KO_PARTICLE_START.matcher(attached).lookingAt() || attached.startsWith("당", 1)) {
                    continue; // "3.2에서" counts nothing; "1명당" is a rate
                }
                thing = attached.substring(0, 1);
            }
            Matcher range = RANGE_START.matcher(text.substring(0, m.start()));
            if (range.find()) {
                out.add(Map.entry(range.group(1), thing)); // "1~2정": both ends count tablets
            }
            boolean measured = Quantities.extract(m.group()).stream().anyMatch(q -> q.unit() != null);
            if (withMeasured || !measured) {
                out.add(Map.entry(number, thing));
            }
        }
        return out;
    }

    /** "per week" where the context says "per day": a rate in a period the context never uses. */
    private static Optional<String> rateProblem(String sentence, Context context) {
        Set<String> rates = Rates.extract(sentence);
        if (rates.isEmpty() || context.rates.isEmpty()) {
            return Optional.empty();
        }
        List<String> foreign = rates.stream().filter(r -> !context.rates.contains(r)).toList();
        if (!foreign.isEmpty()) {
            return Optional.of("rate per " + String.join(", ", foreign) + " where the context says per " + String.join(", ", context.rates));
        }
        // The context may use both periods, but for different figures: "3.1% per year, credited monthly".
        for (Map.Entry<Double, Set<String>> bound : Rates.byNumber(sentence).entrySet()) {
            Set<String> periods = context.ratesByNumber.getOrDefault(bound.getKey(), Set.of());
            for (String period : bound.getValue()) {
                if (!periods.isEmpty() && !periods.contains(period)) {
                    return Optional.of("rate per " + period + " where the context gives that figure per " + String.join(", ", periods));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A number placed next to words that a context sentence enumerating several numbers attaches to another one
     * ("Chemistry in 1903" when the context says "Physics in 1903 and Chemistry in 1911"): the facts are swapped.
     */
    private static Optional<String> swappedAroundNumber(String sentence, Context context) {
        // The context reaches one word further, so a word merely near a number in the answer is not a swap.
        for (Map.Entry<String, Set<String>> entry : Neighbours.around(sentence, 2).entrySet()) {
            String number = entry.getKey();
            for (Map<String, Set<String>> enumeration : context.neighbours) {
                Set<String> own = enumeration.get(number);
                if (own == null || enumeration.size() < 2) {
                    continue;
                }
                for (String unit : entry.getValue()) {
                    // Only names can be swapped: capitalised words, or Korean nouns marked by a particle.
                    if (own.contains(unit) || !context.names.contains(unit)) {
                        continue;
                    }
                    for (Map.Entry<String, Set<String>> other : enumeration.entrySet()) {
                        if (!other.getKey().equals(number) && other.getValue().contains(unit) && !sentence.contains(other.getKey())) {
                            return Optional.of("\"" + unit + "\" goes with " + other.getKey() + " in the context, not with " + number);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A Korean noun that takes the place of another in an otherwise identical phrase ("대부분 페루에 있습니다"
     * against "대부분 브라질에 있습니다"): same particle, same neighbouring word, a noun the context never uses.
     */
    private static Optional<String> koreanSubstitution(String sentence, Context context) {
        List<String> words = Neighbours.words(sentence);
        for (int i = 0; i < words.size(); i++) {
            Matcher m = KO_PARTICLE_WORD.matcher(words.get(i));
            if (!m.matches() || m.group(1).length() < 2 || context.compactText.contains(m.group(1))) {
                continue;
            }
            String noun = m.group(1);
            String particle = particleGroup(m.group(2));
            String before = i > 0 ? Lexicon.koreanStem(words.get(i - 1)) : null;
            String after = i + 1 < words.size() ? Lexicon.koreanStem(words.get(i + 1)) : null;
            for (List<String> contextWords : context.words) {
                for (int j = 0; j < contextWords.size(); j++) {
                    Matcher c = KO_PARTICLE_WORD.matcher(contextWords.get(j));
                    if (!c.matches() || !particleGroup(c.group(2)).equals(particle) || c.group(1).equals(noun)) {
                        continue;
                    }
                    boolean sameBefore = before != null && j > 0 && before.equals(Lexicon.koreanStem(contextWords.get(j - 1)));
                    boolean sameAfter = after != null && j + 1 < contextWords.size()
                            && after.equals(Lexicon.koreanStem(contextWords.get(j + 1)));
                    boolean edgeBefore = before == null && j == 0;
                    boolean edgeAfter = after == null && j + 1 == contextWords.size();
                    if ((sameBefore || edgeBefore) && (sameAfter || edgeAfter)) {
                        return Optional.of("\"" + noun + "\" where the context says \"" + c.group(1) + "\"");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One to three new words standing where a context sentence has other words between the same neighbours
     * ("within 30 days of departure" against "within 30 days of returning home", "루프탑 테라스에서 오전" against
     * "로비 레스토랑에서 오전"): a replaced place, time or thing. When both neighbours are function words, the rest
     * of the sentence must be fully found in that context sentence.
     */
    private static Optional<String> substitutedPhrase(String sentence, Context context) {
        List<String> words = Neighbours.words(sentence);
        List<String> keys = words.stream().map(SentenceGroundednessChecker::wordKey).toList();
        for (int i = 0; i < words.size(); i++) {
            if (!novel(words.get(i), context)) {
                continue;
            }
            int j = i;
            while (j + 1 < words.size() && novel(words.get(j + 1), context)) {
                j++;
            }
            if (j - i >= 3 || (i == 0 && j + 1 == words.size())) {
                i = j;
                continue;
            }
            String left = i > 0 ? keys.get(i - 1) : null;
            String right = j + 1 < words.size() ? keys.get(j + 1) : null;
            // Only noun phrases: after an article or preposition in English, ending in a noun particle in Korean.
            // Predicates are reworded all the time ("keeps" for "stores") and say nothing here.
            String last = words.get(j);
            Matcher particle = KO_PARTICLE_WORD.matcher(last);
            boolean korean = Lexicon.isHangul(last);
            if (korean ? !particle.matches() || !koreanNounPhrase(words.subList(i, j + 1))
                    : left == null || !NOUN_PHRASE_START.matcher(left).matches()) {
                i = j;
                continue;
            }
            String particleGroup = korean ? particleGroup(particle.group(2)) : null;
            boolean strongAnchor = isContent(left) || isContent(right);
            Set<String> rest = new HashSet<>();
            for (int k = 0; k < words.size(); k++) {
                if (k < i || k > j) {
                    rest.addAll(units(words.get(k)));
                }
            }
            for (int c = 0; c < context.words.size(); c++) {
                Optional<String> replaced = replacedSpan(context.words.get(c), context.wordKeys.get(c), left, right, keys, particleGroup);
                if (replaced.isPresent() && (strongAnchor || context.sentenceUnits.get(c).containsAll(rest))) {
                    return Optional.of("\"" + String.join(" ", words.subList(i, j + 1)) + "\" where the context says \""
                            + replaced.get() + "\"");
                }
            }
            i = j;
        }
        return Optional.empty();
    }

    /** The 1-3 words of a context sentence between {@code left} and {@code right} (null = sentence edge), if new to the answer. */
    private static Optional<String> replacedSpan(List<String> words, List<String> keys, String left, String right, List<String> answerKeys,
                                                 String particleGroup) {
        for (int p = left == null ? 0 : 1; p < words.size(); p++) {
            if (left != null && !keys.get(p - 1).equals(left)) {
                continue;
            }
            for (int q = p; q < Math.min(words.size(), p + 3); q++) {
                boolean rightEdge = right == null ? q + 1 == words.size() : q + 1 < words.size() && keys.get(q + 1).equals(right);
                if (!rightEdge) {
                    continue;
                }
                if (particleGroup != null) {
                    Matcher particle = KO_PARTICLE_WORD.matcher(words.get(q));
                    if (!particle.matches() || !particleGroup(particle.group(2)).equals(particleGroup)) {
                        continue;
                    }
                }
                if (particleGroup != null && !koreanNounPhrase(words.subList(p, q + 1))) {
                    continue;
                }
                List<String> span = keys.subList(p, q + 1);
                if (span.stream().anyMatch(k -> k.chars().anyMatch(Character::isDigit))) {
                    continue;
                }
                boolean newContent = span.stream().anyMatch(k -> isContent(k) && !answerKeys.contains(k));
                if (newContent && span.stream().noneMatch(answerKeys::contains)) {
                    return Optional.of(String.join(" ", words.subList(p, q + 1)));
                }
            }
            if (left == null) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * A new Korean noun in the role (same particle) of a context noun the answer leaves out, in a sentence whose
     * other words all come from that context sentence ("포르투에서 ... 열립니다" against "... 리스본에서 열립니다"),
     * wherever it stands in the sentence.
     */
    private static Optional<String> koreanRoleSwap(String sentence, Context context) {
        List<String> words = Neighbours.words(sentence);
        String compactAnswer = WHITESPACE.matcher(sentence).replaceAll("");
        for (int i = 0; i < words.size(); i++) {
            Matcher m = KO_PARTICLE_WORD.matcher(words.get(i));
            if (!m.matches() || !novel(words.get(i), context) || !koreanNounPhrase(List.of(words.get(i)))) {
                continue;
            }
            String role = particleGroup(m.group(2));
            Set<String> rest = new HashSet<>();
            for (int k = 0; k < words.size(); k++) {
                if (k != i) {
                    rest.addAll(units(words.get(k)));
                }
            }
            for (int at = 0; at < context.words.size(); at++) {
                if (!context.sentenceUnits.get(at).containsAll(rest)) {
                    continue;
                }
                for (String word : context.words.get(at)) {
                    Matcher c = KO_PARTICLE_WORD.matcher(word);
                    if (c.matches() && particleGroup(c.group(2)).equals(role) && !compactAnswer.contains(c.group(1))
                            && koreanNounPhrase(List.of(word))) {
                        return Optional.of("\"" + m.group(1) + "\" where the context says \"" + c.group(1) + "\"");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Words that read as nouns: no adnominal verb form ("먹는", "있는", "섭취하는") and no one-syllable stem before a
     * particle ("명의"), which is usually a counter or a verb.
     */
    private static boolean koreanNounPhrase(List<String> words) {
        for (String word : words) {
            Matcher particle = KO_PARTICLE_WORD.matcher(word);
            String stem = particle.matches() ? particle.group(1) : word;
            if (stem.length() < 2 || PREDICATE_STEM.matcher(stem).matches() || PREDICATE_MODIFIER.matcher(word).matches()) {
                return false;
            }
        }
        return true;
    }

    /** A content word of the answer that shares nothing with the context. */
    private static boolean novel(String word, Context context) {
        if (word.chars().anyMatch(Character::isDigit)) {
            return false;
        }
        Set<String> units = units(word);
        return !units.isEmpty() && units.stream().noneMatch(context.units::contains);
    }

    private static boolean isContent(String key) {
        return key != null && (key.chars().anyMatch(Character::isDigit) || !Lexicon.stems(key).isEmpty());
    }

    private static String wordKey(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        return Lexicon.isHangul(lower) ? Lexicon.koreanStem(lower) : Lexicon.englishStem(lower);
    }

    private static String particleGroup(String particle) {
        return switch (particle) {
            case "이", "가" -> "subject";
            case "은", "는" -> "topic";
            case "을", "를" -> "object";
            case "로", "으로" -> "direction";
            case "와", "과" -> "with";
            default -> particle;
        };
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

    /** Comparable units: English content stems and the character bigrams of Korean stems. */
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

    /**
     * What one context sentence says, read once and remembered across answers: retrieval returns the same popular
     * chunks again and again, and reading a sentence's clauses, polarity, rates and words is most of the cost of a
     * check. Everything in it is unmodifiable, since it is shared between answers and threads.
     */
    private record SentenceFacts(List<String> clauses, List<Set<String>> clausePolarityFree,
                                 List<Contradictions.Polarity> clausePolarity, Set<String> rates,
                                 Map<Double, Set<String>> ratesByNumber, Map<String, Set<String>> neighbours,
                                 List<String> words, List<String> wordKeys, Set<String> units, Set<String> names) {

        static SentenceFacts of(String sentence) {
            List<String> clauses = new ArrayList<>();
            List<Set<String>> polarityFree = new ArrayList<>();
            List<Contradictions.Polarity> polarity = new ArrayList<>();
            for (String clause : POLARITY_CLAUSE.split(sentence)) {
                clauses.add(clause);
                polarityFree.add(frozen(SentenceGroundednessChecker.units(Contradictions.withoutPolarity(clause))));
                polarity.add(Contradictions.Polarity.of(clause));
            }
            Map<Double, Set<String>> ratesByNumber = new LinkedHashMap<>();
            Rates.byNumber(sentence).forEach((number, periods) -> ratesByNumber.put(number, frozen(periods)));
            Map<String, Set<String>> neighbours = new LinkedHashMap<>();
            Neighbours.around(sentence, 3).forEach((word, near) -> neighbours.put(word, frozen(near)));
            List<String> tokens = Neighbours.words(sentence);
            Set<String> names = new LinkedHashSet<>();
            for (String token : tokens) {
                Matcher particle = KO_PARTICLE_WORD.matcher(token);
                if (particle.matches()) {
                    names.addAll(SentenceGroundednessChecker.units(particle.group(1)));
                } else if (!token.isEmpty() && Character.isUpperCase(token.charAt(0))) {
                    names.addAll(SentenceGroundednessChecker.units(token));
                }
            }
            return new SentenceFacts(List.copyOf(clauses), List.copyOf(polarityFree), List.copyOf(polarity),
                    frozen(Rates.extract(sentence)), Collections.unmodifiableMap(ratesByNumber),
                    Collections.unmodifiableMap(neighbours), Collections.unmodifiableList(new ArrayList<>(tokens)),
                    tokens.stream().map(SentenceGroundednessChecker::wordKey).toList(),
                    frozen(SentenceGroundednessChecker.units(String.join(" ", tokens))), frozen(names));
        }

        private static <T> Set<T> frozen(Set<T> set) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(set));
        }
    }

    /** Facts of the context sentences seen most recently, shared by every checker (they depend on the text only). */
    private static final BoundedMemo<String, SentenceFacts> SENTENCE_FACTS = new BoundedMemo<>(20_000, SentenceFacts::of);

    /** The context read once per answer: its units, numbers and clauses. */
    private static final class Context {
        final Set<String> units = new HashSet<>();
        final List<Quantities.Quantity> quantities = new ArrayList<>();
        final List<String> clauses = new ArrayList<>();
        final List<Set<String>> clausePolarityFree = new ArrayList<>();
        final List<Contradictions.Polarity> clausePolarity = new ArrayList<>();
        final Set<String> rates = new LinkedHashSet<>();
        final List<Map<String, Set<String>>> neighbours = new ArrayList<>();
        final List<List<String>> words = new ArrayList<>();
        /** Per sentence: the words' comparison keys and the sentence's units, read once per answer. */
        final List<List<String>> wordKeys = new ArrayList<>();
        final List<Set<String>> sentenceUnits = new ArrayList<>();
        /** Units of the context's name-like words: capitalised words and Korean nouns followed by a particle. */
        final Set<String> names = new HashSet<>();
        final Map<String, Set<String>> thingsByNumber = new HashMap<>();
        final Map<Double, Set<String>> ratesByNumber = new HashMap<>();
        final Map<String, Set<String>> numbersByThing = new HashMap<>();
        final String lowerText;
        final String compactText;

        Context(List<String> sentences) {
            String text = String.join("\n", sentences);
            lowerText = text.toLowerCase(Locale.ROOT);
            compactText = WHITESPACE.matcher(text).replaceAll("");
            units.addAll(SentenceGroundednessChecker.units(text));
            quantities.addAll(Quantities.extractAll(text));
            for (Map.Entry<String, String> counted : countedThings(text, true)) {
                thingsByNumber.computeIfAbsent(counted.getKey(), k -> new HashSet<>()).add(counted.getValue());
                numbersByThing.computeIfAbsent(counted.getValue(), k -> new HashSet<>()).add(counted.getKey());
            }
            for (String sentence : sentences) {
                SentenceFacts facts = SENTENCE_FACTS.get(sentence);
                clauses.addAll(facts.clauses());
                clausePolarityFree.addAll(facts.clausePolarityFree());
                clausePolarity.addAll(facts.clausePolarity());
                rates.addAll(facts.rates());
                facts.ratesByNumber().forEach((number, periods) ->
                        ratesByNumber.computeIfAbsent(number, k -> new LinkedHashSet<>()).addAll(periods));
                neighbours.add(facts.neighbours());
                words.add(facts.words());
                wordKeys.add(facts.wordKeys());
                sentenceUnits.add(facts.units());
                names.addAll(facts.names());
            }
        }
    }
}
