package io.streamrag.query.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a blocking langchain4j {@link ChatModel} on virtual threads behind the non-blocking {@link LlmClient}
 * port: a waiting call costs a parked virtual thread, not a platform thread, so hundreds can be in flight.
 * Cancelling the returned future interrupts the call. One attempt per call: retries belong to
 * {@link ResilientLlmClient}, so the models are built with {@code maxRetries(0)}.
 */
class ChatModelLlmClient implements LlmClient {

    private final ChatModel model;
    private final String provider;
    private final String defaultModel;
    private final ExecutorService executor;
    private final double defaultTemperature;
    private final int defaultMaxOutputTokens;

    /** {@code defaultTemperature} < 0 or {@code defaultMaxOutputTokens} <= 0: the server's own default. */
    ChatModelLlmClient(ChatModel model, String provider, String defaultModel, double defaultTemperature, int defaultMaxOutputTokens) {
        this.model = model;
        this.defaultTemperature = defaultTemperature;
        this.defaultMaxOutputTokens = defaultMaxOutputTokens;
        this.provider = provider;
        this.defaultModel = defaultModel;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(provider + "-call-", 0).factory());
    }

    @Override
    public CompletableFuture<LlmResponse> complete(LlmRequest request) {
        CompletableFuture<LlmResponse> result = new CompletableFuture<>();
        Future<?> call;
        try {
            call = executor.submit(() -> {
                try {
                    result.complete(call(request));
                } catch (Throwable t) {
                    result.completeExceptionally(classify(t));
                }
            });
        } catch (RuntimeException rejected) {
            result.completeExceptionally(new LlmException(LlmException.Kind.OVERLOADED, provider + " client is closed"));
            return result;
        }
        result.whenComplete((response, error) -> {
            if (error instanceof CancellationException) {
                call.cancel(true);
            }
        });
        return result;
    }

    private LlmResponse call(LlmRequest request) {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
            messages.add(SystemMessage.from(request.systemPrompt()));
        }
        messages.add(UserMessage.from(request.userPrompt() == null || request.userPrompt().isBlank()
                ? String.valueOf(request.question()) : request.userPrompt()));
        String modelName = request.model() == null || request.model().isBlank() ? defaultModel : request.model();
        var parameters = ChatRequestParameters.builder().modelName(modelName);
        int maxOutputTokens = request.maxOutputTokens() > 0 ? request.maxOutputTokens() : defaultMaxOutputTokens;
        if (maxOutputTokens > 0) {
            parameters.maxOutputTokens(maxOutputTokens);
        }
        double temperature = request.temperature() >= 0 ? request.temperature() : defaultTemperature;
        if (temperature >= 0) {
            parameters.temperature(temperature);
        }
        ChatResponse response = model.chat(ChatRequest.builder().messages(messages).parameters(parameters.build()).build());
        if (response == null || response.aiMessage() == null || response.aiMessage().text() == null) {
            throw new LlmException(LlmException.Kind.BAD_RESPONSE, provider + " returned no text");
        }
        TokenUsage usage = response.tokenUsage();
        long in = usage == null || usage.inputTokenCount() == null ? -1 : usage.inputTokenCount();
        long out = usage == null || usage.outputTokenCount() == null ? -1 : usage.outputTokenCount();
        String answeredBy = response.modelName() == null ? modelName : response.modelName();
        return new LlmResponse(response.aiMessage().text(), provider, answeredBy, in, out, 1);
    }

    /**
     * The transport already throws classified {@link LlmException}s (langchain4j may wrap them); anything else
     * raised after a 2xx response means the body could not be read as a chat completion.
     */
    private LlmException classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof LlmException classified) {
                return classified;
            }
            if (t instanceof InterruptedException) {
                return new LlmException(LlmException.Kind.DEADLINE_EXCEEDED, "call cancelled");
            }
        }
        return new LlmException(LlmException.Kind.BAD_RESPONSE,
                provider + " response could not be read: " + error.getClass().getSimpleName() + ": " + error.getMessage(), -1, error);
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String defaultModel() {
        return defaultModel;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
