package io.streamrag.query.guard;

import java.util.List;

/** Finds personal data in text and replaces it with a typed placeholder such as {@code [email]}. */
public interface PiiRedactor {

    Redaction redact(String text);

    /** The redacted text and the kinds found (email, phone, card, rrn, iban), one entry per hit. */
    record Redaction(String text, List<String> kinds) {
        public Redaction {
            kinds = List.copyOf(kinds);
        }

        public boolean changed() {
            return !kinds.isEmpty();
        }
    }
}
