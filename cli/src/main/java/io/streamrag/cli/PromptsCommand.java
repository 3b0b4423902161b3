package io.streamrag.cli;

import picocli.CommandLine.Command;

/** {@code streamrag prompts ...}: the versioned prompt templates on the compacted template topic. */
@Command(name = "prompts", mixinStandardHelpOptions = true,
        description = "Push and list versioned prompt templates (rag.prompt.template).",
        subcommands = {PromptsPushCommand.class, PromptsListCommand.class})
final class PromptsCommand {
}
