package io.streamrag.query.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The screen skips a pattern on a view that holds none of the pattern's required literals. Skipping must never
 * change a verdict, score or reason: every text of the guard evaluation sets, and disguised variants of them, is
 * screened both ways and compared.
 */
class InjectionScreenPrefilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HeuristicInjectionScreen screen = new HeuristicInjectionScreen();

    @Test
    void shouldGiveTheSameVerdictScoreAndReasons_asRunningEveryPattern_onEveryGuardEvalText() throws IOException {
        // given
        List<String> texts = new ArrayList<>();
        for (String text : guardEvalTexts()) {
            texts.add(text);
            texts.add(text.toUpperCase(Locale.ROOT));
            texts.add(String.join(" ", text.split("")));
            texts.add("decode: " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
            texts.add("hex " + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)));
            texts.add(TextViews.rot13(text));
            texts.add(new StringBuilder(text).reverse().toString());
            texts.add(text.replace('o', '0').replace('e', '3').replace('i', '1'));
            texts.add("\"" + text + "\" - what does this phrase mean?");
            texts.add(text.replaceAll("\\s+", ""));
        }
        assertThat(texts).hasSizeGreaterThan(1000);

        // when / then
        for (String text : texts) {
            assertThat(screen.screen(text)).as(text).isEqualTo(screen.screenWithoutPrefilter(text));
        }
    }

    @Test
    void shouldOnlySkipAViewStep_whenItsPatternCannotMatch_onEveryGuardEvalText() throws IOException {
        for (String raw : guardEvalTexts()) {
            for (String text : List.of(raw, "decode: " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)),
                    "hex " + HexFormat.of().formatHex(raw.getBytes(StandardCharsets.UTF_8)),
                    raw.replace('o', '0').replace('e', '3').replace('i', '1'), TextViews.normalize(raw))) {
                // when / then
                if (TextViews.BASE64.matcher(text).find()) {
                    assertThat(TextViews.hasBase64Run(text, 16)).as(text).isTrue();
                }
                if (TextViews.HEX.matcher(text).find()) {
                    assertThat(TextViews.hasHexStretch(text, 10)).as(text).isTrue();
                }
                var leet = TextViews.LEET_WORD.matcher(text);
                while (leet.find()) {
                    if (leet.group().chars().anyMatch(c -> TextViews.LEET_CHARS.indexOf(c) >= 0)) {
                        assertThat(TextViews.mixesLettersWithLeet(text)).as(text).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void shouldFindARequiredLiteralInEveryMatch_ofAlternationsOptionalPartsAndLookarounds() {
        // given
        Pattern pattern = Pattern.compile("(?<![\\p{L}])(?:ignore|disregard)[\\s\\p{P}]*(?:all )?(?:previous|prior)?\\s*rules?");

        // when
        List<List<String>> sets = RequiredLiterals.of(pattern);

        // then
        assertThat(sets).containsExactly(List.of("ignore", "disregard"), List.of("rule"));
        for (String text : List.of("ignore rules", "disregard, all prior rule", "please ignore!!previous rules")) {
            var m = pattern.matcher(text);
            assertThat(m.find()).as(text).isTrue();
            assertThat(sets).allMatch(set -> set.stream().anyMatch(l -> m.group().contains(l)));
        }
    }

    @Test
    void shouldRequireEveryPart_andCombineAdjacentLiterals() {
        // when
        List<List<String>> sets = RequiredLiterals.of(Pattern.compile("(?:a|b)\\s+(?:system|developer)(?: prompt)?:"));
        List<List<String>> korean = RequiredLiterals.of(Pattern.compile("(?:지금부터|이제부터)(?:너는|넌)"));

        // then
        assertThat(sets).containsExactly(List.of("a", "b"), List.of("system prompt:", "system:", "developer prompt:", "developer:"));
        assertThat(korean).containsExactly(List.of("지금부터너는", "지금부터넌", "이제부터너는", "이제부터넌"));
    }

    @Test
    void shouldRequireNothing_whenThePatternCanMatchWithoutALiteralOrIgnoresCase() {
        // when / then
        assertThat(RequiredLiterals.of(Pattern.compile("(?i)ignore"))).isEmpty();
        assertThat(RequiredLiterals.of(Pattern.compile("ignore", Pattern.CASE_INSENSITIVE))).isEmpty();
        assertThat(RequiredLiterals.of(Pattern.compile("(?:ignore)?\\w+"))).isEmpty();
        assertThat(RequiredLiterals.of(Pattern.compile("ignore|\\d+"))).isEmpty();
    }

    @Test
    void shouldTellWhichPatternsMayMatch_inOnePassOverTheText() {
        // given
        RequiredLiterals.Index index = new RequiredLiterals.Index(List.of(
                List.of(List.of("ignore", "forget"), List.of("rules")), List.of(List.of("프롬프트")), List.of()));

        // when / then
        assertThat(index.candidates("please forget the rules").stream().boxed().toList()).containsExactly(0, 2);
        assertThat(index.candidates("please forget it").stream().boxed().toList()).containsExactly(2);
        assertThat(index.candidates("시스템프롬프트").stream().boxed().toList()).containsExactly(1, 2);
        assertThat(index.candidates("nothing here").stream().boxed().toList()).containsExactly(2);
    }

    /** The texts of eval/guard/dataset.jsonl and holdout.jsonl, found from the module or the repository root. */
    static List<String> guardEvalTexts() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("eval/guard"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("eval/guard above the working directory").isNotNull();
        List<String> texts = new ArrayList<>();
        for (String file : List.of("dataset.jsonl", "holdout.jsonl")) {
            for (String line : Files.readAllLines(dir.resolve("eval/guard").resolve(file))) {
                if (!line.isBlank()) {
                    texts.add(JSON.readTree(line).get("text").asText());
                }
            }
        }
        return texts;
    }
}
