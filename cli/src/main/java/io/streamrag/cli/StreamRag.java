package io.streamrag.cli;

import io.streamrag.platform.ops.LogContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code streamrag} command: the front door to the embedded demo, the topics, evaluations and benchmarks. */
@Command(name = "streamrag",
        mixinStandardHelpOptions = true,
        version = "StreamRAG 0.1.0",
        description = "A Kafka-native LLMOps platform: ingest, query and monitor streams.",
        subcommands = {DemoCommand.class, IngestCommand.class, AskCommand.class, TailCommand.class, PromptsCommand.class,
                ReindexCommand.class, RunCommand.class, TopicsCommand.class, ConfigCommand.class, AclsCommand.class,
                EvalCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class StreamRag implements Runnable {

    public static void main(String[] args) {
        // LOG_FORMAT=json for every command; `streamrag run` also reads log.format from its file and --set
        if (LogFormat.of(System.getenv(LogContext.FORMAT.envName())) == LogFormat.JSON) {
            LogFormat.JSON.apply();
        }
        int exit = new CommandLine(new StreamRag())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        if (exit != 0 || !Boolean.getBoolean("streamrag.keepAlive")) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
