package io.streamrag.query.governance;

import io.streamrag.platform.auth.DemoSecret;
import io.streamrag.platform.auth.TenantKeys;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Identity and flood controls of the query stream: how requests prove their tenant, and each tenant's request rate
 * and daily token budget. Tenant keys are secrets: {@code toString()} names the tenants only.
 *
 * @param authRequired        false only when {@code auth.mode=off}
 * @param tenantKeys          where tenant keys come from (a table, or derived from the demo secret)
 * @param authMaxAge          a proof older (or further in the future) than this is refused as a replay
 * @param requestsPerMinute   per tenant and minute (fixed window); 0 = unlimited
 * @param dailyTokens         input + output tokens per tenant and UTC day; 0 = unlimited
 */
public record GovernanceConfig(boolean authRequired, TenantKeys tenantKeys, Duration authMaxAge,
                               int requestsPerMinute, long dailyTokens) {

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("auth.mode", "required", "required: every request must carry an hmac-sha256 proof of its tenant; off: no check (tests, benchmarks)."),
            ConfigKey.secret("auth.tenant.keys", "Tenant signing keys, 'tenant:base64key,...' (at least 16 bytes each)."),
            ConfigKey.of("auth.tenant.keys.file", null, "A file holding the tenant keys in the auth.tenant.keys format (one per line or comma-separated)."),
            ConfigKey.of("auth.demo.secret.file", null, "Derive every tenant's key as HMAC(secret, tenant) from this secret file (the demo: ~/.streamrag/demo/secret)."),
            ConfigKey.of("auth.max.age.ms", "300000", "A proof issued longer ago (or further ahead) than this is refused as a replay."),
            ConfigKey.of("limits.requests.per.minute", "600", "Requests per tenant per minute (fixed window) before RATE_LIMITED; 0 = unlimited."),
            ConfigKey.of("limits.daily.tokens", "2000000", "LLM tokens (input + output) per tenant per UTC day before RATE_LIMITED; 0 = unlimited."));

    /** No identity check, no limits: what the stream did before these controls. */
    public static GovernanceConfig open() {
        return new GovernanceConfig(false, tenant -> Optional.empty(), Duration.ofMinutes(5), 0, 0);
    }

    public static GovernanceConfig from(ConfigReader config) {
        String mode = config.string("auth.mode").toLowerCase(Locale.ROOT);
        if (!mode.equals("required") && !mode.equals("off")) {
            config.problem("auth.mode (AUTH_MODE) must be required or off, not '" + mode + "'");
        }
        boolean required = !mode.equals("off");
        TenantKeys keys = tenant -> Optional.empty();
        Optional<String> table = config.optional("auth.tenant.keys");
        Optional<String> file = config.optional("auth.tenant.keys.file");
        Optional<String> demo = config.optional("auth.demo.secret.file");
        try {
            if (demo.isPresent()) {
                keys = TenantKeys.derived(DemoSecret.load(Path.of(demo.get()))
                        .orElseThrow(() -> new IllegalArgumentException("auth.demo.secret.file " + demo.get() + " does not exist")));
            } else if (table.isPresent()) {
                keys = TenantKeys.parse(table.get());
            } else if (file.isPresent()) {
                keys = TenantKeys.parse(Files.readString(Path.of(file.get())));
            } else if (required) {
                config.problem("auth.mode is required but no tenant keys are configured: set auth.tenant.keys, "
                        + "auth.tenant.keys.file or auth.demo.secret.file (or auth.mode=off)");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            config.problem("tenant keys: " + e.getMessage());
        } catch (IOException e) {
            config.problem("auth.tenant.keys.file cannot be read: " + e.getMessage());
        }
        return new GovernanceConfig(required, keys,
                Duration.ofMillis(config.longValue("auth.max.age.ms", 1000, Duration.ofDays(1).toMillis())),
                config.integer("limits.requests.per.minute", 0, 10_000_000),
                config.longValue("limits.daily.tokens", 0, Long.MAX_VALUE / 4));
    }

    public RequestAuthenticator authenticator() {
        return authRequired ? new RequestAuthenticator(true, tenantKeys, authMaxAge) : RequestAuthenticator.off();
    }

    public GovernanceConfig withLimits(int perMinute, long tokensPerDay) {
        return new GovernanceConfig(authRequired, tenantKeys, authMaxAge, perMinute, tokensPerDay);
    }

    @Override
    public String toString() {
        return "GovernanceConfig[authRequired=" + authRequired + ", tenantKeys=" + tenantKeys + ", authMaxAge=" + authMaxAge
                + ", requestsPerMinute=" + requestsPerMinute + ", dailyTokens=" + dailyTokens + "]";
    }
}
