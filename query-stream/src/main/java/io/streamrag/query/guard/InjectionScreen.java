package io.streamrag.query.guard;

/** Screens text (a question, or a retrieved chunk) for prompt injection, in English and Korean. */
public interface InjectionScreen {

    ScreenVerdict screen(String text);
}
