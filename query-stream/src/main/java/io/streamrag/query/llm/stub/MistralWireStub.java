package io.streamrag.query.llm.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamrag.platform.text.Languages;
import io.streamrag.platform.text.Sentences;
import io.streamrag.platform.text.Tokens;
import io.streamrag.query.llm.OfflineExtractiveAnswerer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Mistral's chat API, for tests and benchmarks where the real service is not reachable.
 * It is a JDK HTTP server on 127.0.0.1 that answers {@code POST /v1/chat/completions} in Mistral's wire format
 * (with {@code usage}, and as server-sent events when {@code "stream": true}), after a configurable latency. The
 * latency is scheduled, not slept, so hundreds of concurrent calls are served by two threads.
 *
 * <p>What it answers: it is not a model. For a question it returns the first sentences of the context block of
 * the user message (so the answer is grounded by construction); when the instruction asks for
 * {@code name: value} output fields (e.g. 감정 / 강도 / 설명) it answers in that shape, picking an allowed value
 * for each field. With no context it says the context does not hold the answer.
 *
 * <p>Scripted failures for tests: {@link #enqueue(Fault...)} makes the next calls fail one by one (429 with
 * Retry-After, 500, 503, a hang past any timeout, a malformed body, 401), {@link #failAlways(Fault)} makes every
 * call fail until {@link #recover()}. Requests without the expected bearer key get 401. It counts calls and
 * remembers the requested models.
 */
public final class MistralWireStub implements AutoCloseable {

    /** A scripted failure. {@code retryAfterSeconds} < 0: no Retry-After header. */
    public record Fault(int status, int retryAfterSeconds, boolean hangs, boolean malformedBody) {

        public static Fault rateLimited(int retryAfterSeconds) {
            return new Fault(429, retryAfterSeconds, false, false);
        }

        public static Fault serverError() {
            return new Fault(500, -1, false, false);
        }

        public static Fault unavailable(int retryAfterSeconds) {
            return new Fault(503, retryAfterSeconds, false, false);
        }

        /** Never answers (until the stub closes): the client's timeout must fire. */
        public static Fault hang() {
            return new Fault(200, -1, true, false);
        }

        /** HTTP 200 with a body that is not a chat completion. */
        public static Fault malformed() {
            return new Fault(200, -1, false, true);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_MODELS = 10_000;
    private static final Pattern FIELD_LINE = Pattern.compile("^\\s*(?:[-*]\\s*)?([\\p{L}][\\p{L}\\p{N} _]{0,19}?)\\s*[:：]\\s*(.*)$");
    private static final Pattern CONTEXT_HEADER = Pattern.compile(
            "(?i)^\\s*(?:#+\\s*|<)?(?:context|contexts|문맥|맥락|컨텍스트|참고\\s*자료|참고|sources?|documents?|passages?|자료)\\b[^\\n]{0,40}?[:：>]?\\s*$");
    private static final Pattern PASSAGE_MARKER = Pattern.compile("^\\s*\\[[^\\]]{1,80}]\\s*");
    /** A passage's own header line as StreamRAG renders it ("[1] [doc-id] title"): labels, not content. */
    private static final Pattern PASSAGE_HEADER = Pattern.compile("^\\s*\\[\\d{1,3}]\\s*\\[[^\\]]{1,200}].*$");
    private static final Pattern QUESTION_HEADER = Pattern.compile(
            "(?i)^\\s*(?:#+\\s*|</?)?(?:question|질문|input|입력|문장|/context|answer|답변)\\b.*");
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\s*[-~–]\\s*(\\d+)");
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final Pattern BRACKETS = Pattern.compile("[<>()\\[\\]{}]");
    private static final Pattern OPTION_SEPARATOR = Pattern.compile("\\s*[|/,]\\s*");
    private static final Pattern AFTER_SPACE = Pattern.compile("(?<= )");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService responder;
    private final String apiKey;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final Queue<Fault> script = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Fault> always = new AtomicReference<>();
    private final Queue<String> models = new ConcurrentLinkedQueue<>();
    private final Set<HttpExchange> hanging = ConcurrentHashMap.newKeySet();
    private volatile Duration latency;
    private volatile String lastRequestBody = "";

    private MistralWireStub(int port, String apiKey, Duration latency) throws IOException {
        this.apiKey = apiKey;
        this.latency = latency;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        this.handlers = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("stub-http-", 0).factory());
        this.responder = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("stub-respond-", 0).factory());
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A stub on a free port answering after {@code latency}, accepting only {@code Bearer apiKey}. */
    public static MistralWireStub start(String apiKey, Duration latency) {
        try {
            return new MistralWireStub(0, apiKey, latency);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Mistral stub", e);
        }
    }

    /** The environment variable a stub run as its own process ({@link #main}) takes its accepted API key from. */
    public static final String API_KEY_ENV = "MISTRAL_STUB_API_KEY";

    /**
     * A stub as its own process, the way a remote LLM runs apart from the stream: {@code --latency-ms N} (default
     * 1000), the accepted key from {@value #API_KEY_ENV}. Prints {@code port=N} once it listens and serves until its
     * standard input closes (so it ends with the process that started it).
     */
    public static void main(String[] args) throws IOException {
        long latencyMs = 1000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--latency-ms") && i + 1 < args.length) {
                latencyMs = Long.parseLong(args[++i]);
            } else {
                throw new IllegalArgumentException("usage: MistralWireStub [--latency-ms N], key in " + API_KEY_ENV + "; not: " + args[i]);
            }
        }
        String key = System.getenv(API_KEY_ENV);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(API_KEY_ENV + " is not set");
        }
        try (MistralWireStub stub = start(key, Duration.ofMillis(latencyMs))) {
            System.out.println("port=" + stub.server.getAddress().getPort());
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The base URL to give a Mistral client: {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public String apiKey() {
        return apiKey;
    }

    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** The next calls fail with these faults, one call each, in order. */
    public void enqueue(Fault... faults) {
        Collections.addAll(script, faults);
    }

    /** Every call fails with {@code fault} until {@link #recover()}. */
    public void failAlways(Fault fault) {
        always.set(fault);
    }

    public void recover() {
        always.set(null);
        script.clear();
    }

    /** Chat-completion requests received, failed ones included. */
    public int calls() {
        return calls.get();
    }

    /** The models requested, oldest first (the last 10,000). */
    public List<String> models() {
        return List.copyOf(models);
    }

    /** The JSON body of the last authorized chat request, as received. */
    public String lastRequestBody() {
        return lastRequestBody;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
                respond(exchange, 404, "application/json", error("Not found", "not_found"), -1);
                return;
            }
            calls.incrementAndGet();
            if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "application/json", error("Unauthorized", "unauthorized"), -1);
                return;
            }
            lastRequestBody = new String(body, StandardCharsets.UTF_8);
            Fault fault = always.get() != null ? always.get() : script.poll();
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                respond(exchange, 400, "application/json", error("Invalid JSON body", "invalid_request_error"), -1);
                return;
            }
            String model = request.path("model").asText("mistral-small-latest");
            models.add(model);
            while (models.size() > REMEMBERED_MODELS) {
                models.poll();
            }
            if (fault != null && fault.hangs()) {
                hanging.add(exchange);
                return;
            }
            long delay = latency.toMillis();
            if (fault != null && fault.malformedBody()) {
                later(delay, () -> respond(exchange, 200, "application/json", "{\"id\":\"broken\",\"choices\":[{\"message\":", -1));
            } else if (fault != null) {
                String type = fault.status() == 429 ? "rate_limited" : "internal_server_error";
                later(delay, () -> respond(exchange, fault.status(), "application/json",
                        error(fault.status() == 429 ? "Requests rate limit exceeded" : "Internal server error", type), fault.retryAfterSeconds()));
            } else {
                String answer = answer(request.path("messages"));
                long promptTokens = promptTokens(request.path("messages"));
                long completionTokens = Math.max(1, Tokens.estimate(answer));
                boolean stream = request.path("stream").asBoolean(false);
                String id = "stub-" + ids.incrementAndGet();
                later(delay, stream
                        ? () -> respond(exchange, 200, "text/event-stream", events(id, model, answer, promptTokens, completionTokens), -1)
                        : () -> respond(exchange, 200, "application/json", completion(id, model, answer, promptTokens, completionTokens), -1));
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, "application/json", error("stub failure: " + e, "internal_server_error"), -1);
        }
    }

    private void later(long delayMs, Runnable response) {
        if (delayMs <= 0) {
            response.run();
        } else {
            responder.schedule(response, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body, int retryAfterSeconds) {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (retryAfterSeconds >= 0) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientWentAway) {
            // the client timed out or was cancelled: nothing to answer
        }
    }

    // ---- the answer ---------------------------------------------------------------------------------------

    /** A grounded-looking answer: the requested output fields, or the first sentences of the context. */
    static String answer(JsonNode messages) {
        StringBuilder system = new StringBuilder();
        String user = "";
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if ("system".equals(role)) {
                system.append(text(message.path("content"))).append('\n');
            } else if ("user".equals(role)) {
                user = text(message.path("content"));
            }
        }
        List<String[]> fields = outputFields(system.toString());
        if (fields.isEmpty()) {
            fields = outputFields(user);
        }
        String context = contextBlock(user);
        List<String> contextSentences = Sentences.split(context);
        if (!fields.isEmpty()) {
            return fieldsAnswer(fields, user, contextSentences);
        }
        if (contextSentences.isEmpty()) {
            return OfflineExtractiveAnswerer.notInContext(user);
        }
        return String.join(" ", contextSentences.subList(0, Math.min(2, contextSentences.size())));
    }

    /** The last block of two or more {@code name: value} lines, as (name, value template) pairs. */
    static List<String[]> outputFields(String prompt) {
        List<String[]> last = List.of();
        List<String[]> block = new ArrayList<>();
        for (String line : LINE_BREAK.split(prompt + "\n", -1)) {
            Matcher m = FIELD_LINE.matcher(line);
            boolean header = m.matches() && m.group(2).isBlank() && block.isEmpty();
            if (m.matches() && !header && !line.strip().startsWith("[")) {
                block.add(new String[]{m.group(1).strip(), m.group(2).strip()});
            } else {
                if (block.size() >= 2) {
                    last = block;
                }
                block = new ArrayList<>();
            }
        }
        return last;
    }

    private static String fieldsAnswer(List<String[]> fields, String user, List<String> contextSentences) {
        String input = lastContentLine(user);
        String lowered = input.toLowerCase(Locale.ROOT);
        int mood = 0;
        for (String word : List.of("좋", "행복", "만족", "최고", "훌륭", "감사", "good", "great", "love", "happy", "excellent")) {
            mood += lowered.contains(word) ? 1 : 0;
        }
        for (String word : List.of("싫", "나쁘", "나빴", "불만", "최악", "실망", "화가", "bad", "terrible", "hate", "awful", "disappoint")) {
            mood -= lowered.contains(word) ? 1 : 0;
        }
        StringBuilder answer = new StringBuilder();
        for (String[] field : fields) {
            answer.append(field[0]).append(": ").append(value(field[1], mood, input, contextSentences)).append('\n');
        }
        return answer.toString().strip();
    }

    private static String value(String template, int mood, String input, List<String> contextSentences) {
        String bare = BRACKETS.matcher(template).replaceAll("").strip();
        Matcher range = RANGE.matcher(bare);
        if (range.find()) {
            int low = Integer.parseInt(range.group(1));
            int high = Integer.parseInt(range.group(2));
            int middle = (low + high) / 2;
            return Integer.toString(Math.min(high, middle + (mood != 0 ? 1 : 0))); // a clear feeling reads stronger
        }
        String[] options = OPTION_SEPARATOR.split(bare);
        if (options.length >= 2 && options.length <= 6 && bare.length() <= 60) {
            for (String option : options) {
                String o = option.toLowerCase(Locale.ROOT);
                boolean positive = o.contains("긍정") || o.contains("positive");
                boolean negative = o.contains("부정") || o.contains("negative");
                boolean neutral = o.contains("중립") || o.contains("neutral");
                if ((mood > 0 && positive) || (mood < 0 && negative) || (mood == 0 && neutral)) {
                    return option.strip();
                }
            }
            return options[0].strip();
        }
        if (!contextSentences.isEmpty()) {
            return contextSentences.getFirst();
        }
        return "ko".equals(Languages.detect(input)) ? "'" + input + "'라는 표현에 근거한 판단입니다."
                : "Judged from the wording: '" + input + "'.";
    }

    /** The text of the user message after a context header (or from its first [n] passage marker) up to the question. */
    static String contextBlock(String user) {
        String[] lines = LINE_BREAK.split(user);
        int start = -1;
        for (int i = 0; i < lines.length && start < 0; i++) {
            if (CONTEXT_HEADER.matcher(lines[i]).matches()) {
                start = i + 1;
            } else if (PASSAGE_MARKER.matcher(lines[i]).lookingAt()) {
                start = i;
            }
        }
        if (start < 0) {
            return "";
        }
        StringBuilder context = new StringBuilder();
        for (int i = start; i < lines.length; i++) {
            if (QUESTION_HEADER.matcher(lines[i]).matches()) {
                break;
            }
            if (PASSAGE_HEADER.matcher(lines[i]).matches()) {
                context.append('\n');   // a passage starts: its header is not part of the text
                continue;
            }
            context.append(PASSAGE_MARKER.matcher(lines[i]).replaceFirst("")).append('\n');
        }
        return context.toString().strip();
    }

    private static String lastContentLine(String user) {
        String[] lines = LINE_BREAK.split(user);
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher field = FIELD_LINE.matcher(line);
            return field.matches() && !field.group(2).isBlank() ? field.group(2).strip() : line;
        }
        return user.strip();
    }

    private static long promptTokens(JsonNode messages) {
        long tokens = 0;
        for (JsonNode message : messages) {
            tokens += Tokens.estimate(text(message.path("content")));
        }
        return tokens;
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    // ---- wire format ---------------------------------------------------------------------------------------

    private static String completion(String id, String model, String answer, long promptTokens, long completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id).put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", answer);
        choice.put("finish_reason", "stop");
        usage(root, promptTokens, completionTokens);
        return root.toString();
    }

    /** The streaming form: content chunks, a last chunk with finish_reason and usage, then [DONE]. */
    private static String events(String id, String model, String answer, long promptTokens, long completionTokens) {
        StringBuilder out = new StringBuilder();
        List<String> pieces = new ArrayList<>(List.of(AFTER_SPACE.split(answer)));
        for (int i = 0; i <= pieces.size(); i++) {
            boolean last = i == pieces.size();
            ObjectNode chunk = JSON.createObjectNode();
            chunk.put("id", id).put("object", "chat.completion.chunk").put("created", System.currentTimeMillis() / 1000).put("model", model);
            ArrayNode choices = chunk.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (i == 0) {
                delta.put("role", "assistant");
            }
            delta.put("content", last ? "" : pieces.get(i));
            if (last) {
                choice.put("finish_reason", "stop");
                usage(chunk, promptTokens, completionTokens);
            } else {
                choice.putNull("finish_reason");
            }
            out.append("data: ").append(chunk).append("\n\n");
        }
        return out.append("data: [DONE]\n\n").toString();
    }

    private static void usage(ObjectNode node, long promptTokens, long completionTokens) {
        node.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
    }

    private static String error(String message, String type) {
        ObjectNode error = JSON.createObjectNode();
        error.put("object", "error").put("message", message).put("type", type).putNull("param").put("code", type);
        return error.toString();
    }

    @Override
    public void close() {
        for (HttpExchange exchange : hanging) {
            exchange.close();
        }
        server.stop(0);
        responder.shutdownNow();
        handlers.shutdownNow();
    }

    @Override
    public String toString() {
        return "MistralWireStub[" + baseUrl() + ", calls=" + calls() + "]";
    }
}
