package io.streamrag.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md is the output of {@code streamrag config}: a new or changed key must be documented. */
class ConfigurationDocTest {

    @Test
    void shouldDocumentEveryConfigurationKeyTheApplicationsRead() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);

        assertThat(text)
                .as("docs/configuration.md is stale: regenerate it with ./streamrag config (between its markers)")
                .contains(ConfigCommand.markdown());
    }
}
