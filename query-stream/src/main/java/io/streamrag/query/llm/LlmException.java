package io.streamrag.query.llm;

/** A failed LLM call, classified so callers and retry policies can act on the kind. */
public final class LlmException extends RuntimeException {

    public enum Kind {
        RATE_LIMITED(true), SERVER_ERROR(true), TIMEOUT(true), BAD_RESPONSE(false), REJECTED(false),
        CIRCUIT_OPEN(false), DEADLINE_EXCEEDED(false), OVERLOADED(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final long retryAfterMs;

    public LlmException(Kind kind, String message, long retryAfterMs, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfterMs = retryAfterMs;
    }

    public LlmException(Kind kind, String message) {
        this(kind, message, -1, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The server's Retry-After in milliseconds, or -1 when it sent none. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
