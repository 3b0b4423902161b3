package io.streamrag.cli;

import picocli.CommandLine.Command;

/** {@code streamrag eval ...}: offline quality metrics on JSONL datasets. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Offline quality metrics on JSONL datasets (--json prints JSON).",
        subcommands = {EvalRetrievalCommand.class, EvalGroundednessCommand.class, EvalGuardCommand.class})
final class EvalCommand {
}
