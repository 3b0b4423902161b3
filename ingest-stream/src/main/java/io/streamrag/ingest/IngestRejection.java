package io.streamrag.ingest;

/**
 * A document the pipeline refuses, with the stage that refused it and a reason a person can act on. The stream
 * turns it into a dead letter; tools (eval, ingest CLI) print it.
 */
public final class IngestRejection extends RuntimeException {

    private final IngestStage stage;
    private final String reason;

    public IngestRejection(IngestStage stage, String reason) {
        this(stage, reason, null);
    }

    public IngestRejection(IngestStage stage, String reason, Throwable cause) {
        super(stage.label() + ": " + reason, cause);
        this.stage = stage;
        this.reason = reason;
    }

    public IngestStage stage() {
        return stage;
    }

    public String reason() {
        return reason;
    }
}
