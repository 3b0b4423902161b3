package io.streamrag.platform.text;

/**
 * A fast, model-independent token estimate for budgets (chunk size, prompt context, cost before a call):
 * about 4 characters a token for Latin script and about one token per Hangul or CJK character, which
 * matches BPE tokenizers on English within ~15% and errs high on Korean. Exact counts come from the provider.
 */
public final class Tokens {

    private Tokens() {
    }

    public static int estimate(CharSequence text) {
        if (text == null) {
            return 0;
        }
        int latin = 0;
        int wide = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                latin++;
            } else if (c >= 0x1100 && (Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL
                    || Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN
                    || Character.UnicodeScript.of(c) == Character.UnicodeScript.HIRAGANA
                    || Character.UnicodeScript.of(c) == Character.UnicodeScript.KATAKANA)) {
                wide++;
            } else {
                latin++;
            }
        }
        return wide + (latin + 3) / 4;
    }
}
