package io.streamrag.query.governance;

import io.streamrag.events.AuthProof;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.auth.RequestProofs;
import io.streamrag.platform.auth.TenantKeys;

import java.time.Duration;
import java.util.Optional;

/**
 * Checks that a request proves its tenant: an {@code hmac-sha256} {@link AuthProof} over request id, tenant,
 * question and issue time ({@link RequestProofs}) under the tenant's key, issued within {@code maxAge} of now.
 * The signature covers the request id, so a signature copied onto another request id does not verify; a
 * redelivery of the same request id is dropped earlier by the stream's dedupe store.
 */
public final class RequestAuthenticator {

    /** Why a request was refused: a short code for flags and a sentence for the answer's reason. */
    public record Rejection(String code, String reason) {
    }

    private final boolean required;
    private final TenantKeys keys;
    private final Duration maxAge;

    public RequestAuthenticator(boolean required, TenantKeys keys, Duration maxAge) {
        this.required = required;
        this.keys = keys;
        this.maxAge = maxAge;
    }

    public static RequestAuthenticator off() {
        return new RequestAuthenticator(false, tenant -> Optional.empty(), Duration.ZERO);
    }

    public boolean required() {
        return required;
    }

    public Optional<Rejection> check(QueryRequested request, long nowMs) {
        if (!required) {
            return Optional.empty();
        }
        AuthProof proof = request.getAuth();
        if (proof == null || proof.getSignature() == null || proof.getSignature().isBlank()) {
            return reject("auth.missing", "missing auth proof: the request must carry an hmac-sha256 proof of its tenant");
        }
        if (!RequestProofs.SCHEME.equalsIgnoreCase(proof.getScheme())) {
            return reject("auth.scheme", "unsupported auth scheme '" + proof.getScheme() + "' (expected " + RequestProofs.SCHEME + ")");
        }
        Optional<byte[]> key = keys.keyOf(request.getTenant());
        if (key.isEmpty()) {
            return reject("auth.unknown.tenant", "no key is configured for tenant '" + request.getTenant() + "'");
        }
        long issued = proof.getIssuedAtMs();
        if (!RequestProofs.verify(key.get(), request.getRequestId(), request.getTenant(), request.getQuestion(), issued,
                proof.getSignature())) {
            return reject("auth.forged", "auth proof does not verify: forged, or signed for another request, tenant or question");
        }
        long age = nowMs - issued;
        if (age > maxAge.toMillis()) {
            return reject("auth.expired", "auth proof expired: issued " + age + " ms ago, more than the "
                    + maxAge.toMillis() + " ms allowed (a replayed request?)");
        }
        if (-age > maxAge.toMillis()) {
            return reject("auth.expired", "auth proof issued " + (-age) + " ms in the future");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(String code, String reason) {
        return Optional.of(new Rejection(code, reason));
    }
}
