package io.streamrag.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class StreamRagCommandsTest {

    @Test
    void shouldOfferAskAndTail_whenListingCommands() {
        // when
        var commands = new CommandLine(new StreamRag()).getSubcommands();

        // then
        assertThat(commands).containsKeys("ask", "tail");
        assertThat(commands.get("ask").getCommandSpec().findOption("--tenant").required()).isTrue();
    }

    @Test
    void shouldUseExplicitBootstrap_whenGiven() {
        // when / then
        assertThat(KafkaCli.bootstrap(" broker:9093 ")).isEqualTo("broker:9093");
        assertThat(KafkaCli.bootstrap(null)).isNotBlank();
    }
}
