package io.streamrag.query.governance;

import io.streamrag.platform.auth.DemoSecret;
import io.streamrag.platform.auth.TenantKeys;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.kafka.Acls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Identity, flood and cost controls of the query stream: how requests prove their tenant, each tenant's request rate
 * and daily token budget. Tenant keys are secrets: {@code toString()} names the tenants only.
 *
 * @param authRequired        false only when {@code auth.mode=off}
 * @param tenantKeys          where tenant keys come from (a table, or derived from the demo secret)
 * @param authMaxAge          a proof older (or further in the future) than this is refused as a replay
 * @param requestsPerMinute   per tenant and minute (fixed window); 0 = unlimited
 * @param dailyTokens         input + output tokens per tenant and UTC day; 0 = unlimited
 * @param cacheEnabled        answer repeated questions from the semantic cache
 * @param cacheThreshold      cosine similarity of question embeddings that counts as the same question
 * @param cacheMaxEntries     answers kept per tenant, template version and ACL groups (oldest dropped first)
 * @param cacheTtl            longest a cached answer is served
 * @param answersPerTenant    answers of proven tenants go to {@code <answer topic>.<tenant>} (one topic per listed tenant)
 */
public record GovernanceConfig(boolean authRequired, TenantKeys tenantKeys, Duration authMaxAge,
                               int requestsPerMinute, long dailyTokens,
                               boolean cacheEnabled, double cacheThreshold, int cacheMaxEntries, Duration cacheTtl,
                               boolean answersPerTenant) {

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("auth.mode", "required", "required: every request must carry an hmac-sha256 proof of its tenant; off: no check (tests, benchmarks)."),
            ConfigKey.secret("auth.tenant.keys", "Tenant signing keys, 'tenant:base64key,...' (at least 16 bytes each)."),
            ConfigKey.of("auth.tenant.keys.file", null, "A file holding the tenant keys in the auth.tenant.keys format (one per line or comma-separated)."),
            ConfigKey.of("auth.demo.secret.file", null, "Derive every tenant's key as HMAC(secret, tenant) from this secret file (the demo: ~/.streamrag/demo/secret)."),
            ConfigKey.of("auth.max.age.ms", "300000", "A proof issued longer ago (or further ahead) than this is refused as a replay."),
            ConfigKey.of("limits.requests.per.minute", "600", "Requests per tenant per minute (fixed window) before RATE_LIMITED; 0 = unlimited."),
            ConfigKey.of("limits.daily.tokens", "2000000", "LLM tokens (input + output) per tenant per UTC day before RATE_LIMITED; 0 = unlimited."),
            ConfigKey.of("cache.enabled", "true", "Answer a repeated question (same tenant, template version, ACL groups) from the semantic cache."),
            ConfigKey.of("cache.similarity.threshold", "0.95", "Cosine similarity of question embeddings (0-1) at which a cached answer is reused."),
            ConfigKey.of("cache.max.entries", "256", "Answers kept per tenant, template version and ACL groups; the oldest go first."),
            ConfigKey.of("cache.ttl.ms", "86400000", "Longest time a cached answer is served (it also goes stale on any change to the tenant's documents)."),
            ConfigKey.of("query.answers.per.tenant", "false", "Answers of a proven tenant go to '<topic.answer.generated>.<tenant>', created at start for every tenant "
                    + "of the key table, so that ACLs let each tenant read only its own answers; other answers stay on the shared topic."));

    /** No identity check, no limits: what the stream did before these controls. */
    public static GovernanceConfig open() {
        return new GovernanceConfig(false, tenant -> Optional.empty(), Duration.ofMinutes(5), 0, 0, false, 0.95, 256, Duration.ofDays(1), false);
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
        boolean perTenant = config.bool("query.answers.per.tenant");
        if (perTenant) {
            checkAnswerTenants(config, required, keys);
        }
        return new GovernanceConfig(required, keys,
                Duration.ofMillis(config.longValue("auth.max.age.ms", 1000, Duration.ofDays(1).toMillis())),
                config.integer("limits.requests.per.minute", 0, 10_000_000),
                config.longValue("limits.daily.tokens", 0, Long.MAX_VALUE / 4),
                config.bool("cache.enabled"),
                config.decimal("cache.similarity.threshold", 0.5, 1.0),
                config.integer("cache.max.entries", 1, 1_000_000),
                Duration.ofMillis(config.longValue("cache.ttl.ms", 1000, Duration.ofDays(365).toMillis())),
                perTenant);
    }

    /** Per-tenant answer topics need proven tenants, a list of them, and names a topic can carry. */
    private static void checkAnswerTenants(ConfigReader config, boolean required, TenantKeys keys) {
        if (!required) {
            config.problem("query.answers.per.tenant needs auth.mode=required: only proven tenants get their own answer topic");
        } else if (keys.tenants().isEmpty()) {
            config.problem("query.answers.per.tenant needs a tenant key table (auth.tenant.keys or auth.tenant.keys.file): "
                    + "answer topics are created for the tenants it lists");
        }
        keys.tenants().stream().filter(t -> !Acls.validTenantForTopic(t)).sorted().forEach(t -> config.problem(
                "query.answers.per.tenant: tenant '" + t + "' cannot name a topic (letters, digits, '.', '_', '-' only)"));
    }

    /** The tenants whose proven answers go to their own topic; empty when answers all go to the shared topic. */
    public Set<String> answerTenants() {
        return answersPerTenant ? tenantKeys.tenants() : Set.of();
    }

    public RequestAuthenticator authenticator() {
        return authRequired ? new RequestAuthenticator(true, tenantKeys, authMaxAge) : RequestAuthenticator.off();
    }

    /** The semantic cache these settings ask for, or null when it is off. */
    public SemanticCache newCache() {
        return cacheEnabled ? new SemanticCache(cacheThreshold, cacheMaxEntries, cacheTtl.toMillis()) : null;
    }

    @Override
    public String toString() {
        return "GovernanceConfig[authRequired=" + authRequired + ", tenantKeys=" + tenantKeys + ", authMaxAge=" + authMaxAge
                + ", requestsPerMinute=" + requestsPerMinute + ", dailyTokens=" + dailyTokens + ", cacheEnabled=" + cacheEnabled
                + ", cacheThreshold=" + cacheThreshold + ", cacheMaxEntries=" + cacheMaxEntries + ", cacheTtl=" + cacheTtl
                + ", answersPerTenant=" + answersPerTenant + "]";
    }
}
