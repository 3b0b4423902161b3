package io.streamrag.vectorstore.weaviate;

/**
 * A Weaviate call that failed, with what was being done and what the server said. {@link #retriable()} is true
 * when repeating the same call may succeed (no connection, timeout, HTTP 429 or 5xx); a rejected object or query
 * is not retriable.
 */
public final class WeaviateStoreException extends RuntimeException {

    private final boolean retriable;

    public WeaviateStoreException(String message, boolean retriable) {
        super(message);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
