package io.streamrag.platform.text;

/** Tells Korean text from English (Latin) text by script, for telemetry and language-aware checks. */
public final class Languages {

    private Languages() {
    }

    /** "ko" when at least a fifth of the letters are Hangul, else "en" ("und" for text without letters). */
    public static String detect(CharSequence text) {
        int letters = 0;
        int hangul = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
                if (Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL) {
                    hangul++;
                }
            }
        }
        if (letters == 0) {
            return "und";
        }
        return hangul * 5 >= letters ? "ko" : "en";
    }
}
