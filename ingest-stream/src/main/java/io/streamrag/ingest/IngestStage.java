package io.streamrag.ingest;

import java.util.Locale;

/** Where in the ingest pipeline a document was rejected; the {@code stage} of its dead letter. */
public enum IngestStage {
    DECODE, VALIDATE, EXTRACT, CHUNK, EMBED, STORE;

    /** The lowercase name written to dead letters: decode, validate, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
