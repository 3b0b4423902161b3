package io.streamrag.platform.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The one definition of a request proof: HMAC-SHA256, with the tenant's key, over a canonical string of the request
 * id, the tenant, the question and the instant the proof was issued. Clients that sign ({@code streamrag ask}) and
 * the stream that verifies both call this class, so the two can never disagree on the canonical form.
 *
 * <p>Every part is length-prefixed, so no choice of values can make two different requests share a canonical
 * string (e.g. tenant "a|b" with question "c" against tenant "a" with question "b|c").
 */
public final class RequestProofs {

    public static final String SCHEME = "hmac-sha256";

    private RequestProofs() {
    }

    public static String canonical(String requestId, String tenant, String question, long issuedAtMs) {
        StringBuilder sb = new StringBuilder("streamrag-query-v1");
        for (String part : new String[]{requestId, tenant, question, Long.toString(issuedAtMs)}) {
            String p = part == null ? "" : part;
            sb.append('\n').append(p.length()).append(':').append(p);
        }
        return sb.toString();
    }

    /** The signature (base64, no padding) of a request with the tenant's key. */
    public static String sign(byte[] tenantKey, String requestId, String tenant, String question, long issuedAtMs) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                hmac(tenantKey, canonical(requestId, tenant, question, issuedAtMs).getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code signature} is the proof of this request under the tenant's key (constant-time comparison). */
    public static boolean verify(byte[] tenantKey, String requestId, String tenant, String question, long issuedAtMs,
                                 String signature) {
        if (signature == null || tenantKey == null) {
            return false;
        }
        byte[] expected = sign(tenantKey, requestId, tenant, question, issuedAtMs).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
