package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrag.platform.text.Languages;
import io.streamrag.query.check.BinaryMetrics;
import io.streamrag.query.guard.HeuristicInjectionScreen;
import io.streamrag.query.guard.ScreenVerdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code streamrag eval guard --dataset FILE.jsonl [--json]}: runs the prompt-injection screen on labelled texts
 * and reports the detection rate on attacks and the false-positive rate on benign texts, overall and per language.
 */
@Command(name = "guard", mixinStandardHelpOptions = true,
        description = "Prompt-injection screen on {text, label: attack|benign} lines.")
final class EvalGuardCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "JSONL file: {\"text\": \"...\", \"label\": \"attack\"|\"benign\"}.")
    Path dataset;

    @Option(names = "--json", description = "Print the metrics as JSON.")
    boolean json;

    @Option(names = "--threshold", description = "Score at which a text is an attack (default: ${DEFAULT-VALUE}).")
    double threshold = HeuristicInjectionScreen.DEFAULT_THRESHOLD;

    @Option(names = "--errors", description = "Also list the misclassified lines (on stderr).")
    boolean errors;

    @Override
    public Integer call() throws Exception {
        List<JsonNode> rows = EvalReport.readJsonLines(dataset);
        HeuristicInjectionScreen screen = new HeuristicInjectionScreen(threshold);
        BinaryMetrics all = BinaryMetrics.empty();
        Map<String, BinaryMetrics> perLanguage = new TreeMap<>();
        List<String> mistakes = new ArrayList<>();
        for (JsonNode row : rows) {
            String text = EvalReport.requiredText(row, "text", dataset);
            String label = EvalReport.requiredText(row, "label", dataset);
            if (!label.equals("attack") && !label.equals("benign")) {
                throw new IllegalArgumentException(dataset + ":" + row.get("_line").asInt() + ": label must be attack or benign, was " + label);
            }
            ScreenVerdict verdict = screen.screen(text);
            boolean actual = label.equals("attack");
            all = all.add(actual, verdict.attack());
            String language = row.hasNonNull("lang") ? row.get("lang").asText() : Languages.detect(text);
            perLanguage.put(language, perLanguage.getOrDefault(language, BinaryMetrics.empty()).add(actual, verdict.attack()));
            if (actual != verdict.attack()) {
                mistakes.add("line " + row.get("_line").asInt() + " label=" + label + " score=" + verdict.score() + " " + verdict.reasons() + " " + text);
            }
        }
        ObjectNode out = metrics(all);
        out.put("threshold", threshold);
        perLanguage.forEach((language, m) -> out.set(language, metrics(m)));
        if (errors) {
            mistakes.forEach(System.err::println);
        }
        if (json) {
            System.out.println(EvalReport.print(out));
        } else {
            System.out.printf("injection screen on %d texts: detection rate %.3f, false-positive rate %.3f%n",
                    all.n(), all.recall(), all.falsePositiveRate());
            perLanguage.forEach((language, m) -> System.out.printf("  %s: n %d (attacks %d, benign %d) detection %.3f false positives %.3f%n",
                    language, m.n(), m.positives(), m.negatives(), m.recall(), m.falsePositiveRate()));
        }
        return 0;
    }

    static ObjectNode metrics(BinaryMetrics m) {
        ObjectNode node = EvalReport.JSON.createObjectNode();
        node.put("n", m.n());
        node.put("attacks", m.positives());
        node.put("benign", m.negatives());
        node.put("detection_rate", EvalReport.round(m.recall()));
        node.put("false_positive_rate", EvalReport.round(m.falsePositiveRate()));
        node.set("counts", EvalReport.counts(m));
        return node;
    }
}
