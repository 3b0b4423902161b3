package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.embedding.EmbeddingConfig;
import io.streamrag.platform.text.Languages;
import io.streamrag.query.check.BinaryMetrics;
import io.streamrag.query.check.GroundednessReport;
import io.streamrag.query.check.SentenceGroundednessChecker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code streamrag eval groundedness --dataset FILE.jsonl [--json]}: runs the groundedness checker (with MiniLM) on
 * labelled answers and reports precision, recall, F1 and accuracy with "hallucinated" as the positive class,
 * overall and per language of the answer.
 */
@Command(name = "groundedness", mixinStandardHelpOptions = true,
        description = "Groundedness checker on {context, answer, label: grounded|hallucinated} lines.")
final class EvalGroundednessCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "JSONL file: {\"context\": [...], \"answer\": \"...\", \"label\": \"grounded\"|\"hallucinated\"}.")
    Path dataset;

    @Option(names = "--json", description = "Print the metrics as JSON.")
    boolean json;

    @Option(names = "--threshold", description = "Support below which an answer is hallucinated (default: ${DEFAULT-VALUE}).")
    double threshold = SentenceGroundednessChecker.DEFAULT_THRESHOLD;

    @Option(names = "--errors", description = "Also list the misclassified lines (on stderr).")
    boolean errors;

    @Override
    public Integer call() throws Exception {
        List<JsonNode> rows = EvalReport.readJsonLines(dataset);
        BinaryMetrics all = BinaryMetrics.empty();
        Map<String, BinaryMetrics> perLanguage = new TreeMap<>();
        List<String> mistakes = new ArrayList<>();
        // MiniLM with the configured weights (embedding.minilm.precision), as the query stream's checks use
        EmbeddingConfig.Precision precision = EmbeddedConfig.load(Map.of()).ingest().embedding().miniLmPrecision();
        try (Embedder embedder = Embedders.miniLm(precision, 32, Math.max(1, Runtime.getRuntime().availableProcessors()))) {
            SentenceGroundednessChecker checker = new SentenceGroundednessChecker(embedder, threshold);
            for (JsonNode row : rows) {
                String answer = EvalReport.requiredText(row, "answer", dataset);
                String label = EvalReport.requiredText(row, "label", dataset);
                if (!label.equals("grounded") && !label.equals("hallucinated")) {
                    throw new IllegalArgumentException(dataset + ":" + row.get("_line").asInt() + ": label must be grounded or hallucinated, was " + label);
                }
                JsonNode contextNode = row.get("context");
                if (contextNode == null || !contextNode.isArray()) {
                    throw new IllegalArgumentException(dataset + ":" + row.get("_line").asInt() + ": \"context\" must be an array of strings");
                }
                List<String> context = new ArrayList<>();
                contextNode.forEach(c -> context.add(c.asText()));
                GroundednessReport report = checker.check(answer, context);
                boolean actual = label.equals("hallucinated");
                all = all.add(actual, report.hallucinated());
                perLanguage.merge(Languages.detect(answer), BinaryMetrics.empty().add(actual, report.hallucinated()), EvalGroundednessCommand::sum);
                if (actual != report.hallucinated()) {
                    mistakes.add("line " + row.get("_line").asInt() + " label=" + label + " score=" + report.score() + " "
                            + report.sentences().stream().filter(s -> !s.supported() || actual).map(s -> "[" + s.support() + " " + s.reason() + "] " + s.sentence()).toList());
                }
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
            System.out.printf("groundedness on %d answers (hallucinated = positive): precision %.3f recall %.3f F1 %.3f accuracy %.3f%n",
                    all.n(), all.precision(), all.recall(), all.f1(), all.accuracy());
            perLanguage.forEach((language, m) -> System.out.printf("  %s: n %d precision %.3f recall %.3f F1 %.3f accuracy %.3f%n",
                    language, m.n(), m.precision(), m.recall(), m.f1(), m.accuracy()));
        }
        return 0;
    }

    static ObjectNode metrics(BinaryMetrics m) {
        ObjectNode node = EvalReport.JSON.createObjectNode();
        node.put("n", m.n());
        node.put("precision", EvalReport.round(m.precision()));
        node.put("recall", EvalReport.round(m.recall()));
        node.put("f1", EvalReport.round(m.f1()));
        node.put("accuracy", EvalReport.round(m.accuracy()));
        node.set("counts", EvalReport.counts(m));
        return node;
    }

    private static BinaryMetrics sum(BinaryMetrics a, BinaryMetrics b) {
        return new BinaryMetrics(a.truePositives() + b.truePositives(), a.falsePositives() + b.falsePositives(),
                a.trueNegatives() + b.trueNegatives(), a.falseNegatives() + b.falseNegatives());
    }
}
