package io.streamrag.platform.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestProofsTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void shouldVerifyItsOwnSignature_andRejectAnyChangedPart() {
        // given
        String sig = RequestProofs.sign(KEY, "r1", "acme", "How many days?", 1000L);

        // then
        assertThat(RequestProofs.verify(KEY, "r1", "acme", "How many days?", 1000L, sig)).isTrue();
        assertThat(RequestProofs.verify(KEY, "r2", "acme", "How many days?", 1000L, sig)).isFalse();
        assertThat(RequestProofs.verify(KEY, "r1", "globex", "How many days?", 1000L, sig)).isFalse();
        assertThat(RequestProofs.verify(KEY, "r1", "acme", "How many days??", 1000L, sig)).isFalse();
        assertThat(RequestProofs.verify(KEY, "r1", "acme", "How many days?", 1001L, sig)).isFalse();
        assertThat(RequestProofs.verify("another-key-another-key-another!".getBytes(), "r1", "acme", "How many days?", 1000L, sig)).isFalse();
    }

    @Test
    void shouldNotLetPartsShiftAcrossFieldBoundaries() {
        assertThat(RequestProofs.canonical("r", "a\nb", "c", 1)).isNotEqualTo(RequestProofs.canonical("r", "a", "b\nc", 1));
    }

    @Test
    void shouldParseATenantKeyTable_andHideKeysInToString() {
        // given
        String b64 = Base64.getEncoder().encodeToString(KEY);

        // when
        TenantKeys keys = TenantKeys.parse("acme:" + b64 + ", globex:" + b64);

        // then
        assertThat(keys.keyOf("acme")).hasValueSatisfying(k -> assertThat(k).isEqualTo(KEY));
        assertThat(keys.keyOf("initech")).isEmpty();
        assertThat(keys.toString()).doesNotContain(b64);
        assertThatThrownBy(() -> TenantKeys.parse("acme=" + b64)).hasMessageContaining("tenant:base64key");
    }

    @Test
    void shouldDeriveDistinctKeysPerTenantFromOneSecret() {
        TenantKeys keys = TenantKeys.derived(KEY);
        assertThat(keys.keyOf("acme").orElseThrow()).isNotEqualTo(keys.keyOf("globex").orElseThrow());
        assertThat(keys.keyOf("acme").orElseThrow()).isEqualTo(TenantKeys.derived(KEY).keyOf("acme").orElseThrow());
    }

    @Test
    void shouldCreateTheDemoSecretOnceWithOwnerOnlyPermissions(@TempDir Path home) throws Exception {
        // given
        Path file = home.resolve(".streamrag/demo/secret");

        // when
        byte[] first = DemoSecret.loadOrCreate(file);
        byte[] second = DemoSecret.loadOrCreate(file);

        // then
        assertThat(second).isEqualTo(first);
        assertThat(first).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
