package io.streamrag.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code streamrag demo}: the embedded form in one process, with bundled sample documents. Prints one line
 * {@code READY bootstrap=HOST:PORT dashboard=URL} when everything is up, then runs until interrupted.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the embedded form: a KRaft broker, the streams and sample documents in this process.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Where the broker log, the index and the demo secret live (default: ${DEFAULT-VALUE}).")
    Path dataDir = DemoBootstrap.DEFAULT_DATA_DIR;

    @Option(names = "--port", description = "Broker port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 9092;

    @Option(names = "--http-port", description = "Dashboard and metrics port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort = 8080;

    @Option(names = "--exit-when-ready", hidden = true, description = "Stop right after the READY line (smoke tests).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        DemoRuntime runtime = DemoRuntime.start(new DemoRuntime.Options(dataDir, port, httpPort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "streamrag-shutdown"));
        System.out.printf("READY bootstrap=%s dashboard=%s%n", runtime.bootstrapServers(), runtime.dashboardUrl());
        System.out.flush();
        System.err.printf("streamrag demo: ready in %.1f s; Ctrl-C stops it.%n", (System.nanoTime() - started) / 1e9);
        if (exitWhenReady) {
            return 0;
        }
        stopped.await();
        return 0;
    }
}
