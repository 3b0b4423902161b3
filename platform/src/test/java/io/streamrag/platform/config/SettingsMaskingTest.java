package io.streamrag.platform.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsMaskingTest {

    @Test
    void shouldMaskTheTenantKeys_evenInAProcessThatDoesNotDeclareThem() {
        // given: an ingest-like process reading a properties file shared with the query process
        Settings settings = Settings.of(List.of(ConfigKey.of("ingest.application.id", "ingest", "id")),
                Map.of("auth.tenant.keys", "acme:c2VjcmV0LXRlbmFudC1rZXktMTIzNDU2", "auth.tenant.keys.file", "/etc/streamrag/keys"));

        // when
        String printed = settings.toString();

        // then
        assertThat(printed).doesNotContain("c2VjcmV0LXRlbmFudC1rZXktMTIzNDU2").contains("auth.tenant.keys=****")
                .contains("auth.tenant.keys.file=/etc/streamrag/keys");
    }
}
