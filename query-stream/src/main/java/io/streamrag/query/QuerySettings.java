package io.streamrag.query;

import java.time.Duration;

/**
 * What the query topology needs to know, apart from its ports: limits of the LLM stage, retrieval depth, the
 * default template and timeouts. Built from {@link QueryConfig}; tests build it directly.
 *
 * @param maxInFlight         LLM calls in flight per instance (shared by all tasks of the instance)
 * @param maxWaiting          requests waiting for an LLM slot per task before the stream stops taking new ones
 * @param retrievalK          passages retrieved per question
 * @param defaultTemplate     template id used when a request names none
 * @param maxQuestionChars    longer questions are answered FAILED
 * @param defaultTimeout      deadline of a request that states none, from when the stream reads it
 * @param tenantFairness      round-robin among tenants' waiting queues (false: first come, first served)
 * @param maxOutputTokens     output budget of an LLM call
 * @param temperature         sampling temperature of an LLM call
 * @param completionInterval  how often completed calls are turned into answers on the stream thread
 * @param dedupeRetention     how long answered request ids are remembered to drop redeliveries
 * @param requestsPerMinute   requests per tenant per minute (fixed window) before RATE_LIMITED; 0 = unlimited
 * @param dailyTokens         LLM tokens per tenant per UTC day before RATE_LIMITED; 0 = unlimited
 * @param llmMode             ASYNC (the production stage) or SYNC (the call blocks the stream thread; a baseline for
 *                            the benchmark only)
 */
public record QuerySettings(
        int maxInFlight,
        int maxWaiting,
        int retrievalK,
        String defaultTemplate,
        int maxQuestionChars,
        Duration defaultTimeout,
        boolean tenantFairness,
        int maxOutputTokens,
        double temperature,
        Duration completionInterval,
        Duration dedupeRetention,
        int requestsPerMinute,
        long dailyTokens,
        LlmMode llmMode) {

    public enum LlmMode { ASYNC, SYNC }

    public QuerySettings {
        if (maxInFlight < 1 || maxWaiting < 1 || retrievalK < 1 || maxQuestionChars < 1 || requestsPerMinute < 0 || dailyTokens < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The defaults of {@link QueryConfig#KEYS}. */
    public static QuerySettings defaults() {
        return new QuerySettings(256, 10_000, 5, "rag-qa", 4000, Duration.ofSeconds(30), true, 512, 0.2,
                Duration.ofMillis(5), Duration.ofDays(7), 0, 0, LlmMode.ASYNC);
    }

    public QuerySettings withMaxInFlight(int n) {
        return new QuerySettings(n, maxWaiting, retrievalK, defaultTemplate, maxQuestionChars, defaultTimeout,
                tenantFairness, maxOutputTokens, temperature, completionInterval, dedupeRetention, requestsPerMinute, dailyTokens, llmMode);
    }

    public QuerySettings withDefaultTimeout(Duration timeout) {
        return new QuerySettings(maxInFlight, maxWaiting, retrievalK, defaultTemplate, maxQuestionChars, timeout,
                tenantFairness, maxOutputTokens, temperature, completionInterval, dedupeRetention, requestsPerMinute, dailyTokens, llmMode);
    }

    public QuerySettings withLlmMode(LlmMode mode) {
        return new QuerySettings(maxInFlight, maxWaiting, retrievalK, defaultTemplate, maxQuestionChars, defaultTimeout,
                tenantFairness, maxOutputTokens, temperature, completionInterval, dedupeRetention, requestsPerMinute, dailyTokens, mode);
    }

    public QuerySettings withMaxWaiting(int n) {
        return new QuerySettings(maxInFlight, n, retrievalK, defaultTemplate, maxQuestionChars, defaultTimeout,
                tenantFairness, maxOutputTokens, temperature, completionInterval, dedupeRetention, requestsPerMinute, dailyTokens, llmMode);
    }

    /** The same settings with per-tenant limits (0 = unlimited). */
    public QuerySettings withTenantLimits(int perMinute, long tokensPerDay) {
        return new QuerySettings(maxInFlight, maxWaiting, retrievalK, defaultTemplate, maxQuestionChars, defaultTimeout,
                tenantFairness, maxOutputTokens, temperature, completionInterval, dedupeRetention, perMinute, tokensPerDay, llmMode);
    }

    public QuerySettings withDedupeRetention(Duration retention) {
        return new QuerySettings(maxInFlight, maxWaiting, retrievalK, defaultTemplate, maxQuestionChars, defaultTimeout,
                tenantFairness, maxOutputTokens, temperature, completionInterval, retention, requestsPerMinute, dailyTokens, llmMode);
    }

    public QuerySettings withTenantFairness(boolean fair) {
        return new QuerySettings(maxInFlight, maxWaiting, retrievalK, defaultTemplate, maxQuestionChars, defaultTimeout,
                fair, maxOutputTokens, temperature, completionInterval, dedupeRetention, requestsPerMinute, dailyTokens, llmMode);
    }
}
