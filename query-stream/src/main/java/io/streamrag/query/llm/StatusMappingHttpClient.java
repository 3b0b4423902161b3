package io.streamrag.query.llm;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The HTTP transport under the langchain4j chat models. langchain4j's own JDK client turns an error status into
 * an exception that keeps only the status and body, so the Retry-After header of a 429 or 503 is lost; this
 * client keeps the headers and throws an {@link LlmException} that already says what happened. It throws the
 * exception without a cause on purpose: langchain4j re-wraps the root cause of whatever the transport throws.
 * Streaming requests are delegated to langchain4j's JDK client unchanged.
 */
final class StatusMappingHttpClient implements HttpClient {

    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final JdkHttpClient streaming;

    private StatusMappingHttpClient(Builder builder) {
        // HTTP/1.1: every server we talk to speaks it; the JDK's h2c upgrade attempt only costs a round trip.
        // Virtual threads for the client's own callbacks, so hundreds of calls in flight add no platform threads.
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        if (builder.connectTimeout != null) {
            jdk.connectTimeout(builder.connectTimeout);
        }
        this.http = jdk.build();
        this.readTimeout = builder.readTimeout;
        this.streaming = JdkHttpClient.builder().connectTimeout(builder.connectTimeout).readTimeout(builder.readTimeout).build();
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        java.net.http.HttpRequest.Builder jdk = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> values.forEach(value -> jdk.header(name, value)));
        if (readTimeout != null) {
            jdk.timeout(readTimeout);
        }
        java.net.http.HttpRequest.BodyPublisher body = request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body());
        jdk.method(request.method().name(), body);
        HttpResponse<String> response;
        try {
            response = http.send(jdk.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new LlmException(LlmException.Kind.TIMEOUT, "no response within " + readTimeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw new LlmException(LlmException.Kind.SERVER_ERROR, "cannot connect to " + hostOf(request.url()) + ": " + e);
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.SERVER_ERROR, "I/O error talking to " + hostOf(request.url()) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.DEADLINE_EXCEEDED, "call cancelled");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return SuccessfulHttpResponse.builder().statusCode(status).headers(response.headers().map()).body(response.body()).build();
        }
        throw error(status, response.headers().map(), response.body());
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        streaming.execute(request, parser, listener);
    }

    static LlmException error(int status, Map<String, List<String>> headers, String body) {
        String detail = "HTTP " + status + ": " + abbreviate(body);
        long retryAfter = retryAfterMs(headers, Instant.now()).orElse(-1L);
        if (status == 429) {
            return new LlmException(LlmException.Kind.RATE_LIMITED, detail, retryAfter, null);
        }
        if (status == 408) {
            return new LlmException(LlmException.Kind.TIMEOUT, detail, retryAfter, null);
        }
        if (status >= 500) {
            return new LlmException(LlmException.Kind.SERVER_ERROR, detail, status == 503 ? retryAfter : -1, null);
        }
        return new LlmException(LlmException.Kind.REJECTED, detail, -1, null);
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3); absent or unreadable: empty. */
    static Optional<Long> retryAfterMs(Map<String, List<String>> headers, Instant now) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() == null || !header.getKey().equalsIgnoreCase("retry-after") || header.getValue().isEmpty()) {
                continue;
            }
            String value = header.getValue().getFirst().strip();
            try {
                return Optional.of(Math.max(0, Math.round(Double.parseDouble(value) * 1000)));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(Math.max(0, Duration.between(now, at).toMillis()));
                } catch (RuntimeException unreadable) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static String hostOf(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "the server";
        }
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            if (timeout != null) {
                this.connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            if (timeout != null) {
                this.readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            return new StatusMappingHttpClient(this);
        }
    }
}
