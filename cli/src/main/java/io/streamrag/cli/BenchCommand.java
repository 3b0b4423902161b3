package io.streamrag.cli;

import picocli.CommandLine.Command;

/** {@code streamrag bench ...}: measured performance, ratios taken within one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measured performance on this machine (--json prints JSON).",
        subcommands = {BenchIngestCommand.class, BenchQueryCommand.class, BenchMonitorCommand.class})
final class BenchCommand {
}
