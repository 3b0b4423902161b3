package io.streamrag.monitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven through the DevTools protocol over the JDK's WebSocket client: navigate, evaluate
 * JavaScript, take screenshots. No driver download; the browser is the system's {@code chromium}.
 */
final class DevTools implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process browser;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    private DevTools(Process browser, Path profile, WebSocket socket) {
        this.browser = browser;
        this.profile = profile;
        this.socket = socket;
    }

    static boolean available() {
        return Files.isExecutable(CHROMIUM);
    }

    static DevTools launch() throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--window-size=1400,1100", "about:blank")
                .redirectErrorStream(true).start();
        String endpoint = devToolsEndpoint(browser);
        URI base = URI.create(endpoint);
        String list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + base.getHost() + ":" + base.getPort() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher page = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"|\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/page/[^\"]+)\"").matcher(list);
        if (!page.find()) {
            browser.destroyForcibly();
            throw new IllegalStateException("no page target in " + list);
        }
        String pageUrl = page.group(1) != null ? page.group(1) : page.group(2);
        DevTools[] self = new DevTools[1];
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    Matcher id = Pattern.compile("^\\{\"id\":(\\d+)").matcher(message);
                    if (id.find() && self[0] != null) {
                        CompletableFuture<String> f = self[0].pending.remove(Integer.parseInt(id.group(1)));
                        if (f != null) {
                            f.complete(message);
                        }
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        self[0] = new DevTools(browser, profile, socket);
        return self[0];
    }

    private static String devToolsEndpoint(Process browser) throws Exception {
        CompletableFuture<String> found = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    int at = line.indexOf("DevTools listening on ");
                    if (at >= 0) {
                        found.complete(line.substring(at + "DevTools listening on ".length()).strip());
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IllegalStateException("chromium exited without a DevTools endpoint"));
        });
        return found.get(60, TimeUnit.SECONDS);
    }

    /** Sends one command and waits for its answer (the raw JSON). */
    String call(String method, String paramsJson) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", true).get(10, TimeUnit.SECONDS);
        return answer.get(30, TimeUnit.SECONDS);
    }

    void navigate(URI url) throws Exception {
        call("Page.enable", "{}");
        call("Page.navigate", "{\"url\":\"" + url + "\"}");
    }

    /** Evaluates an expression that returns a number or a string; returns its value as text. */
    String evaluate(String expression) throws Exception {
        String answer = call("Runtime.evaluate", "{\"expression\":\"" + expression.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"returnByValue\":true}");
        Matcher value = Pattern.compile("\"value\":(\"(?:[^\"\\\\]|\\\\.)*\"|[-0-9.eE]+|true|false|null)").matcher(answer);
        if (!value.find()) {
            return "";
        }
        String v = value.group(1);
        return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    double number(String expression) throws Exception {
        String v = evaluate(expression);
        return v.isEmpty() || v.equals("null") || v.equals("undefined") ? Double.NaN : Double.parseDouble(v);
    }

    byte[] screenshot() throws Exception {
        String answer = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        Matcher data = Pattern.compile("\"data\":\"([^\"]+)\"").matcher(answer);
        if (!data.find()) {
            throw new IllegalStateException("no screenshot in " + answer.substring(0, Math.min(200, answer.length())));
        }
        return java.util.Base64.getDecoder().decode(data.group(1));
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is stopped below anyway
        }
        browser.destroy();
        if (!browser.waitFor(5, TimeUnit.SECONDS)) {
            browser.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(profile)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary profile; best effort
        }
    }

}
