package io.streamrag.query;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;
import io.streamrag.platform.text.Languages;
import io.streamrag.schemas.Events;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's one answer and its telemetry event, built in one place for every step of the query stream that
 * answers (intake rejections, the tenant admission, the LLM stage).
 */
record Answered(QueryAnswered answer, Telemetry telemetry) {

    static Answered of(Pending p, AnswerStatus status, String reason, LlmOutcome outcome, long now, QueryTopology.Ports ports) {
        QueryRequested q = p.request();
        String id = q.getRequestId() == null || q.getRequestId().isBlank() ? "unknown" : q.getRequestId();
        String tenant = q.getTenant() == null ? "" : q.getTenant();
        List<String> flags = new ArrayList<>(p.flags);
        Map<String, Long> latency = new LinkedHashMap<>();
        latency.put("embed", p.embedMs);
        latency.put("retrieve", p.retrieveMs);
        latency.put("queue", p.queueMs);
        latency.put("llm", outcome == null ? 0L : outcome.llmMs());
        latency.put("checks", outcome == null ? 0L : outcome.checksMs());
        latency.put("total", Math.max(0, now - p.receivedAtMs()));
        String provider = outcome == null ? (p.started ? ports.llm().provider() : null) : outcome.provider();
        String model = outcome == null ? p.requestedModel : outcome.model();
        long in = outcome == null ? 0 : outcome.inputTokens();
        long out = outcome == null ? 0 : outcome.outputTokens();
        double cost = outcome == null || provider == null ? 0.0 : ports.cost().costUsd(provider, model, in, out);
        if (outcome != null) {
            flags.addAll(outcome.flags());
        }
        boolean ok = status == AnswerStatus.OK;
        QueryAnswered answer = QueryAnswered.newBuilder()
                .setHeader(Events.header(id))
                .setRequestId(id)
                .setTenant(tenant)
                .setStatus(status)
                .setReason(reason)
                .setAnswer(outcome == null || status == AnswerStatus.BLOCKED ? null : outcome.answer())
                .setFields(ok ? outcome.fields() : Map.of())
                .setCitations(ok ? outcome.citations() : List.of())
                .setTemplateId(p.templateId)
                .setTemplateVersion(p.templateVersion)
                .setProvider(provider)
                .setModel(model)
                .setInputTokens(in)
                .setOutputTokens(out)
                .setCostUsd(cost)
                .setLatencyMs(latency)
                .setGroundedness(ok ? outcome.groundedness() : null)
                .setHallucinated(ok && outcome.hallucinated())
                .setCached(ok && p.cached)
                .setFlags(flags)
                .build();
        String question = q.getQuestion() == null ? "" : q.getQuestion();
        Telemetry telemetry = Telemetry.newBuilder()
                .setHeader(Events.header(id))
                .setKind(TelemetryKind.QUERY)
                .setTenant(tenant)
                .setSubjectId(id)
                .setStatus(status.name())
                .setProviderName(provider)
                .setRequestModel(model)
                .setTemplateId(p.templateId)
                .setTemplateVersion(p.templateVersion)
                .setInputTokens(in)
                .setOutputTokens(out)
                .setCostUsd(cost)
                .setLatencyMs(latency)
                .setGroundedness(answer.getGroundedness())
                .setHallucinated(answer.getHallucinated())
                .setCached(answer.getCached())
                .setSavedTokens(answer.getCached() ? p.savedTokens : 0)
                .setFlags(flags)
                .setQuestionChars(question.length())
                .setAnswerChars(answer.getAnswer() == null ? 0 : answer.getAnswer().length())
                .setLanguage(question.isBlank() ? null : Languages.detect(question))
                .setRetrievalTopScore(p.topScore)
                .build();
        return new Answered(answer, telemetry);
    }

    /** LLM tokens the answer spent (input + output; 0 when no call was made or the answer came from the cache). */
    long tokens() {
        return answer.getInputTokens() + answer.getOutputTokens();
    }

    /** The answer keyed by its request id, the telemetry event by its tenant. */
    void forward(ProcessorContext<String, Object> context, long now) {
        context.forward(new Record<>(answer.getRequestId(), answer, now));
        context.forward(new Record<>(telemetry.getTenant(), telemetry, now));
    }
}
