package io.streamrag.query.llm;

import io.streamrag.platform.text.Languages;
import io.streamrag.platform.text.Sentences;
import io.streamrag.platform.text.Tokens;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * No model at all: the answer is made of the retrieved sentences that share the most with the question, in
 * their original order, each followed by the number of its passage ({@code [2]}). Overlap is counted on
 * character bigrams inside words, after stripping one Korean particle or ending (환불은 / 환불을 / 환불), so it
 * works for Korean as well as for English inflections, weighted by how rare a bigram is among the candidate
 * sentences so that common ones ("th", "하다") count little. When no sentence is relevant enough it says the context does not hold the
 * answer. It labels itself {@code offline-extractive} / {@code extractive-v1}; it does not follow instructions,
 * produce structured outputs or paraphrase.
 */
public final class OfflineExtractiveAnswerer implements LlmClient {

    public static final String PROVIDER = "offline-extractive";
    public static final String MODEL = "extractive-v1";

    /** Share of the question's (weighted) bigrams a sentence must contain to count as relevant. */
    private static final double MIN_RELEVANCE = 0.3;
    /** Sentences scoring below this share of the best one are left out. */
    private static final double RELATIVE_CUTOFF = 0.6;
    private static final int MAX_SENTENCES = 3;

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "what", "which", "who",
            "whom", "whose", "when", "where", "why", "how", "of", "in", "on", "at", "to", "for", "from", "by", "with",
            "and", "or", "it", "its", "this", "that", "these", "those", "there", "can", "could", "should", "would",
            "will", "i", "you", "we", "they", "me", "my", "your", "our", "about", "tell", "please", "much", "many",
            "무엇", "무엇인가요", "무엇입니까", "뭐", "뭔가요", "어떤", "어떻게", "언제", "어디", "어디서", "누가", "누구",
            "왜", "얼마", "얼마나", "몇", "있나요", "있습니까", "인가요", "입니까", "알려줘", "알려주세요", "무엇을",
            "되", "수", "것", "등", "및", "더", "하", "있", "없");
    /** Korean particles and endings, longest first: stripped so that 기간은 / 기간을 / 기간 meet on the stem. */
    private static final List<String> KOREAN_SUFFIXES = List.of(
            "으로부터", "로부터", "에서는", "에게서", "입니까", "습니까", "인가요", "됩니까", "되나요", "합니까", "합니다",
            "입니다", "됩니다", "있나요", "없나요", "했나요", "까지는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다",
            "이나", "이라", "라는", "이란", "하는", "하고", "하면", "해야", "나요", "가요", "까요", "은", "는", "을", "를",
            "의", "에", "로", "와", "과", "이", "가", "도", "만", "요", "다");
    /** One-syllable endings that also end nouns (바다, 아이): stripped only from longer words. */
    private static final Set<String> SHORT_SAFE = Set.of("은", "는", "을", "를", "의", "에", "로", "와", "과");

    @Override
    public CompletableFuture<LlmResponse> complete(LlmRequest request) {
        String question = request.question() == null || request.question().isBlank()
                ? String.valueOf(request.userPrompt()) : request.question();
        String answer = answer(question, request.contextPassages());
        long inputTokens = Tokens.estimate(request.systemPrompt()) + Tokens.estimate(request.userPrompt());
        return CompletableFuture.completedFuture(new LlmResponse(answer, PROVIDER, MODEL, inputTokens, Tokens.estimate(answer), 1));
    }

    /** The extractive answer to {@code question} from {@code passages}, citing passages by 1-based number. */
    public static String answer(String question, List<String> passages) {
        List<Candidate> candidates = new ArrayList<>();
        for (int p = 0; p < passages.size(); p++) {
            int ordinal = 0;
            for (String sentence : Sentences.split(passages.get(p))) {
                candidates.add(new Candidate(p, ordinal++, sentence, bigrams(sentence)));
            }
        }
        Set<String> asked = bigrams(question);
        if (asked.isEmpty() || candidates.isEmpty()) {
            return notInContext(question);
        }
        Map<String, Double> idf = inverseFrequencies(asked, candidates);
        double total = asked.stream().mapToDouble(idf::get).sum();
        for (Candidate c : candidates) {
            double shared = 0;
            for (String bigram : asked) {
                if (c.bigrams.contains(bigram)) {
                    shared += idf.get(bigram);
                }
            }
            c.score = shared / total;
        }
        double best = candidates.stream().mapToDouble(c -> c.score).max().orElse(0);
        if (best < MIN_RELEVANCE) {
            return notInContext(question);
        }
        List<Candidate> chosen = candidates.stream()
                .filter(c -> c.score >= Math.max(MIN_RELEVANCE, best * RELATIVE_CUTOFF))
                .sorted(Comparator.comparingDouble((Candidate c) -> -c.score))
                .limit(MAX_SENTENCES)
                .sorted(Comparator.comparingInt((Candidate c) -> c.passage).thenComparingInt(c -> c.ordinal))
                .toList();
        StringBuilder answer = new StringBuilder();
        for (Candidate c : chosen) {
            if (!answer.isEmpty()) {
                answer.append(' ');
            }
            answer.append(c.sentence).append(" [").append(c.passage + 1).append(']');
        }
        return answer.toString();
    }

    /** What the answerer says when the context does not hold the answer, in the question's language. */
    public static String notInContext(String question) {
        return "ko".equals(Languages.detect(question))
                ? "제공된 문맥에는 이 질문에 대한 답이 없습니다."
                : "The provided context does not contain the answer to this question.";
    }

    /** Character bigrams inside each content word; a one-character word (common in Korean) counts as itself. */
    static Set<String> bigrams(String text) {
        Set<String> grams = new HashSet<>();
        var words = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (words.find()) {
            String word = words.group();
            if (STOP_WORDS.contains(word)) {
                continue;
            }
            word = stem(word);
            if (STOP_WORDS.contains(word)) {
                continue;
            }
            if (word.length() == 1) {
                grams.add(word);
            }
            for (int i = 0; i + 2 <= word.length(); i++) {
                grams.add(word.substring(i, i + 2));
            }
        }
        return grams;
    }

    /** Strips one Korean particle or ending; other words are returned as they are. */
    static String stem(String word) {
        if (word.length() < 2 || Character.UnicodeScript.of(word.codePointAt(word.length() - 1)) != Character.UnicodeScript.HANGUL) {
            return word;
        }
        for (String suffix : KOREAN_SUFFIXES) {
            int rest = word.length() - suffix.length();
            if (word.endsWith(suffix) && rest >= (suffix.length() > 1 || SHORT_SAFE.contains(suffix) ? 1 : 2)) {
                return word.substring(0, rest);
            }
        }
        return word;
    }

    /** Smoothed inverse document frequency of each question bigram over the candidate sentences. */
    private static Map<String, Double> inverseFrequencies(Set<String> asked, List<Candidate> candidates) {
        Map<String, Double> idf = new HashMap<>();
        int n = candidates.size();
        for (String bigram : asked) {
            long containing = candidates.stream().filter(c -> c.bigrams.contains(bigram)).count();
            idf.put(bigram, Math.log(1 + (n + 1.0) / (containing + 1.0)));
        }
        return idf;
    }

    private static final class Candidate {
        final int passage;
        final int ordinal;
        final String sentence;
        final Set<String> bigrams;
        double score;

        Candidate(int passage, int ordinal, String sentence, Set<String> bigrams) {
            this.passage = passage;
            this.ordinal = ordinal;
            this.sentence = sentence;
            this.bigrams = bigrams;
        }
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String defaultModel() {
        return MODEL;
    }

    @Override
    public String toString() {
        return "OfflineExtractiveAnswerer[" + MODEL + "]";
    }
}
