package io.streamrag.query.governance;

import io.streamrag.events.AnswerStatus;
import io.streamrag.events.QueryRequested;
import io.streamrag.platform.cache.BoundedMemo;
import io.streamrag.query.QueryGuard;
import io.streamrag.query.guard.InjectionScreen;
import io.streamrag.query.guard.ScreenVerdict;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The controls before retrieval: the request must prove its tenant ({@link RequestAuthenticator}), and the question
 * must not be a prompt injection ({@link InjectionScreen}); retrieved chunks go through the same screen (indirect
 * injection). Each refusal is BLOCKED with the reason and a flag ({@code auth.*}, {@code injection.question}).
 *
 * <p>Retrieval returns the same popular chunks again and again, and screening a chunk (many patterns over several
 * readings of its text) costs more than the rest of a request outside the models, so a chunk's verdict is
 * remembered by its text. Questions are screened every time: they rarely repeat.
 */
public final class GovernanceGuard implements QueryGuard {

    private final RequestAuthenticator auth;
    private final InjectionScreen screen;
    private final Clock clock;
    private final BoundedMemo<String, ScreenVerdict> chunkVerdicts;

    /** How many chunk verdicts are remembered (chunks are at most a few KB, so this holds tens of MB at most). */
    static final int REMEMBERED_CHUNK_VERDICTS = 10_000;

    public GovernanceGuard(RequestAuthenticator auth, InjectionScreen screen, Clock clock) {
        this.auth = auth;
        this.screen = screen;
        this.clock = clock;
        this.chunkVerdicts = screen == null ? null : new BoundedMemo<>(REMEMBERED_CHUNK_VERDICTS, screen::screen);
    }

    @Override
    public Decision screen(QueryRequested request) {
        Optional<RequestAuthenticator.Rejection> refused = auth.check(request, clock.millis());
        if (refused.isPresent()) {
            return Decision.reject(AnswerStatus.BLOCKED, refused.get().reason(), List.of(refused.get().code()));
        }
        if (screen != null) {
            ScreenVerdict verdict = screen.screen(request.getQuestion());
            if (verdict.attack()) {
                // The tenant is proven even so: its answer topic carries the refusal (see TenantAnswerTopics).
                return Decision.reject(AnswerStatus.BLOCKED, "prompt injection in the question: " + String.join("; ", verdict.reasons()),
                        auth.required() ? List.of("auth.verified", "injection.question") : List.of("injection.question"));
            }
        }
        return Decision.allow(request, auth.required() ? List.of("auth.verified") : List.of());
    }

    @Override
    public ScreenVerdict screenChunk(String text) {
        return screen == null ? ScreenVerdict.clean() : chunkVerdicts.get(text);
    }
}
