package io.streamrag.query.prompt;

import java.util.List;

/** The two chat messages of a rendered template, and the passages that fitted in the context budget. */
public record RenderedPrompt(String system, String user, List<Passage> passages, int contextTokens) {

    public RenderedPrompt {
        passages = List.copyOf(passages);
    }
}
