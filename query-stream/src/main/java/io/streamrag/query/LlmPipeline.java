package io.streamrag.query;

import io.streamrag.events.Citation;
import io.streamrag.query.check.GroundednessReport;
import io.streamrag.query.llm.LlmClient;
import io.streamrag.query.llm.LlmRequest;
import io.streamrag.query.llm.LlmResponse;
import io.streamrag.query.prompt.OutputFormat;
import io.streamrag.query.prompt.Passage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The asynchronous part of answering one request, off the stream thread: the LLM call, for a structured template
 * the parse and at most one repair call that shows the model its problem, then the answer checks. Nothing here
 * touches Kafka Streams state; the result is handed back to the stream thread.
 */
final class LlmPipeline {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LlmPipeline.class);
    private static final Pattern CITED = Pattern.compile("\\[([^\\[\\]]{1,200})]");

    private final LlmClient llm;
    private final AnswerChecks checks;
    private final Executor asyncExecutor;

    LlmPipeline(LlmClient llm, AnswerChecks checks, Executor asyncExecutor) {
        this.llm = llm;
        this.checks = checks;
        this.asyncExecutor = asyncExecutor;
    }

    CompletableFuture<LlmOutcome> run(LlmRequest request, OutputFormat format, List<Passage> passages) {
        return run(request, format, passages, asyncExecutor);
    }

    /** As above, the checks running on the given executor (one that carries the request's log ids). */
    CompletableFuture<LlmOutcome> run(LlmRequest request, OutputFormat format, List<Passage> passages, Executor checksExecutor) {
        long started = System.nanoTime();
        CompletableFuture<LlmResponse> first = llm.complete(request);
        CompletableFuture<Attempt> answered = first.thenCompose(response -> {
            if (!format.structured()) {
                return CompletableFuture.completedFuture(new Attempt(response, null, Map.of(), response.inputTokens(), response.outputTokens(), false));
            }
            OutputFormat.Parsed parsed = format.parse(response.text());
            if (parsed.valid()) {
                return CompletableFuture.completedFuture(new Attempt(response, null, parsed.values(), response.inputTokens(), response.outputTokens(), false));
            }
            LlmRequest repair = new LlmRequest(request.requestId(), request.tenant(), request.model(), request.systemPrompt(),
                    request.userPrompt() + "\n\nYour previous answer was:\n" + response.text()
                            + "\n\nIt cannot be used: " + String.join("; ", parsed.problems())
                            + ". Answer again with exactly these lines and nothing else:\n" + format.skeleton(),
                    request.question(), request.contextPassages(), request.maxOutputTokens(), request.temperature(), request.deadline());
            return llm.complete(repair).thenApply(second -> {
                OutputFormat.Parsed again = format.parse(second.text());
                return new Attempt(second,
                        again.valid() ? null : "output format still invalid after one repair: " + String.join("; ", again.problems()),
                        again.values(), response.inputTokens() + second.inputTokens(), response.outputTokens() + second.outputTokens(), true);
            });
        });
        return answered.thenApplyAsync(attempt -> check(request, attempt, passages, (System.nanoTime() - started) / 1_000_000), checksExecutor);
    }

    private LlmOutcome check(LlmRequest request, Attempt attempt, List<Passage> passages, long llmMs) {
        long started = System.nanoTime();
        String answer = attempt.response.text();
        List<String> flags = new ArrayList<>();
        if (attempt.repaired) {
            flags.add("output.repaired");
        }
        Double score = null;
        boolean hallucinated = false;
        String blockReason = null;
        if (attempt.formatProblem == null) {
            for (AnswerChecks.AnswerFilter filter : checks.filters()) {
                AnswerChecks.Filtered filtered = filter.apply(request, answer, passages);
                answer = filtered.answer();
                flags.addAll(filtered.flags());
                if (filtered.blockReason() != null) {
                    blockReason = filtered.blockReason();
                    break;
                }
            }
            if (blockReason == null && checks.groundedness() != null && !passages.isEmpty() && answer != null && !answer.isBlank()) {
                try {
                    GroundednessReport report = checks.groundedness().check(answer, passages.stream().map(Passage::text).toList());
                    score = report.score();
                    hallucinated = report.hallucinated();
                } catch (RuntimeException | LinkageError e) {
                    // A broken checker must not cost the user the answer: it goes out unscored, and the flag says so.
                    LOG.warn("groundedness check failed for request {}: {}", request.requestId(), e.toString());
                    flags.add("checks.groundedness.error");
                }
            }
        }
        List<Citation> citations = citations(answer, passages, flags);
        LlmResponse r = attempt.response;
        return new LlmOutcome(answer, attempt.formatProblem, attempt.fields, r.provider(), r.model(),
                attempt.inputTokens, attempt.outputTokens, llmMs, (System.nanoTime() - started) / 1_000_000,
                score, hallucinated, citations, flags, blockReason);
    }

    /**
     * The passages the answer cites as {@code [doc id]} or by number {@code [2]}; when it cites none, every passage it was given (flagged
     * {@code citations.implicit}), since the answer was drawn from exactly those.
     */
    static List<Citation> citations(String answer, List<Passage> passages, List<String> flags) {
        if (passages.isEmpty() || answer == null) {
            return List.of();
        }
        Set<String> cited = new LinkedHashSet<>();
        Matcher m = CITED.matcher(answer);
        while (m.find()) {
            for (String part : m.group(1).split("[,;]")) {
                cited.add(part.strip());
            }
        }
        List<Passage> chosen = new java.util.ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            // "[doc id]" as the template asks, or "[n]", the passage number the prompt shows
            if (cited.contains(passages.get(i).docId()) || cited.contains(Integer.toString(i + 1))) {
                chosen.add(passages.get(i));
            }
        }
        if (chosen.isEmpty()) {
            chosen = passages;
            flags.add("citations.implicit");
        }
        return chosen.stream().map(p -> new Citation(p.docId(), p.chunkId(), p.title(), p.score())).toList();
    }

    private record Attempt(LlmResponse response, String formatProblem, Map<String, String> fields,
                           long inputTokens, long outputTokens, boolean repaired) {
    }
}
