package io.streamrag.platform.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a tenant's signing key comes from: a fixed table (production: {@code tenant:base64key,...}) or derived from
 * one secret as HMAC(secret, tenant) (the demo: any tenant name has a key, and whoever holds the secret can sign).
 * Keys never appear in {@code toString()}.
 */
public interface TenantKeys {

    Optional<byte[]> keyOf(String tenant);

    /** The tenants a key table lists; empty when keys are derived (any tenant name has one). */
    default Set<String> tenants() {
        return Set.of();
    }

    /** Parses {@code tenant:base64key,tenant2:base64key2} (whitespace and newlines also separate entries). */
    static TenantKeys parse(String spec) {
        Map<String, byte[]> keys = new HashMap<>();
        for (String entry : spec.split("[,\\s]+")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("a tenant key entry must be tenant:base64key (entry "
                        + (keys.size() + 1) + " is not)");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the key of tenant '" + entry.substring(0, colon) + "' is not base64");
            }
            if (key.length < 16) {
                throw new IllegalArgumentException("the key of tenant '" + entry.substring(0, colon) + "' is shorter than 16 bytes");
            }
            keys.put(entry.substring(0, colon), key);
        }
        return table(keys);
    }

    static TenantKeys table(Map<String, byte[]> keys) {
        Map<String, byte[]> copy = Map.copyOf(keys);
        return new TenantKeys() {
            @Override
            public Optional<byte[]> keyOf(String tenant) {
                return Optional.ofNullable(copy.get(tenant)).map(byte[]::clone);
            }

            @Override
            public Set<String> tenants() {
                return copy.keySet();
            }

            @Override
            public String toString() {
                return "TenantKeys[tenants=" + copy.keySet() + ", keys=****]";
            }
        };
    }

    /** Every tenant's key is HMAC-SHA256(secret, tenant). */
    static TenantKeys derived(byte[] secret) {
        byte[] s = secret.clone();
        return new TenantKeys() {
            @Override
            public Optional<byte[]> keyOf(String tenant) {
                return tenant == null || tenant.isBlank() ? Optional.empty()
                        : Optional.of(RequestProofs.hmac(s, ("streamrag-tenant-key\n" + tenant).getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public String toString() {
                return "TenantKeys[derived from a secret, secret=****]";
            }
        };
    }
}
