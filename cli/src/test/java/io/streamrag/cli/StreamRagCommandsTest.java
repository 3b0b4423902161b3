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

    @Test
    void shouldReportEveryBadKeyAtOnce_includingTheLogFormat_beforeAnyStreamStarts() {
        // given
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            // when
            exit = new CommandLine(new StreamRag()).setCaseInsensitiveEnumValuesAllowed(true)
                    .execute("run", "monitor", "--set", "log.format=yaml", "--set", "monitor.http.port=x");
        } finally {
            System.setErr(original);
        }

        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("log.format (LOG_FORMAT) must be one of [text, json], not 'yaml'")
                .contains("monitor.http.port (MONITOR_HTTP_PORT)");
    }
}
