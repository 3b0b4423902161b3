package io.streamrag.query;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.QueryRequested;
import io.streamrag.query.guard.ScreenVerdict;

import java.util.List;

/**
 * The seam before retrieval: identity, size, rate and prompt-injection controls decide here whether a request
 * goes on (possibly changed, e.g. with personal data redacted) or is answered at once with a status and reason.
 * Runs on the stream thread, so implementations must be fast and non-blocking.
 */
@FunctionalInterface
public interface QueryGuard {

    Decision screen(QueryRequested request);

    /**
     * Screens one retrieved chunk before it enters the prompt (indirect prompt injection); an attack is left out of
     * the prompt and reported as {@code injection.chunk.dropped:<chunkId>}. Runs off the stream thread.
     */
    default ScreenVerdict screenChunk(String text) {
        return ScreenVerdict.clean();
    }

    /** Lets every request through unchanged. */
    static QueryGuard allowAll() {
        return request -> Decision.allow(request, List.of());
    }

    /** Go on with {@code request} (null: rejected with {@code status} and {@code reason}); flags go on the answer. */
    record Decision(QueryRequested request, AnswerStatus status, String reason, List<String> flags) {

        public Decision {
            flags = List.copyOf(flags);
        }

        public static Decision allow(QueryRequested request, List<String> flags) {
            return new Decision(request, null, null, flags);
        }

        public static Decision reject(AnswerStatus status, String reason, List<String> flags) {
            return new Decision(null, status, reason, flags);
        }

        public boolean allowed() {
            return request != null;
        }
    }
}
