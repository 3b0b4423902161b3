package io.streamrag.query.llm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a call cost, from a price table in US dollars per million tokens. The table is written
 * {@code model:inputPer1M/outputPer1M,...}; a model missing from the table costs nothing and is reported as
 * unpriced by {@link #isPriced(String)}, so an unknown model is visible rather than silently cheap.
 */
public final class CostCalculator {

    public record Price(double inputUsdPer1M, double outputUsdPer1M) {
    }

    /** List prices at the time of writing; override with {@code llm.prices}. */
    public static final String DEFAULT_PRICES = "mistral-small-latest:0.1/0.3,mistral-medium-latest:0.4/2,"
            + "mistral-large-latest:2/6,open-mistral-nemo:0.15/0.15,ministral-8b-latest:0.1/0.1,"
            + "ministral-3b-latest:0.04/0.04," + OfflineExtractiveAnswerer.MODEL + ":0/0";

    private final Map<String, Price> prices;

    public CostCalculator(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    /** Parses {@code model:in/out,...}; throws IllegalArgumentException naming the bad entry. */
    public static CostCalculator parse(String table) {
        Map<String, Price> prices = new LinkedHashMap<>();
        for (String entry : table.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            int slash = e.lastIndexOf('/');
            if (colon <= 0 || slash < colon) {
                throw new IllegalArgumentException("price entry '" + e + "' is not model:inputUsdPer1M/outputUsdPer1M");
            }
            try {
                double in = Double.parseDouble(e.substring(colon + 1, slash).strip());
                double out = Double.parseDouble(e.substring(slash + 1).strip());
                if (in < 0 || out < 0) {
                    throw new NumberFormatException("negative");
                }
                prices.put(e.substring(0, colon).strip().toLowerCase(Locale.ROOT), new Price(in, out));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("price entry '" + e + "' has a bad number: " + ex.getMessage());
            }
        }
        return new CostCalculator(prices);
    }

    public Optional<Price> price(String model) {
        return Optional.ofNullable(model == null ? null : prices.get(model.toLowerCase(Locale.ROOT)));
    }

    public boolean isPriced(String model) {
        return price(model).isPresent();
    }

    /** The cost in US dollars; 0 for an unpriced model or unknown (negative) token counts. */
    public double costUsd(String model, long inputTokens, long outputTokens) {
        return price(model).map(p -> (Math.max(0, inputTokens) * p.inputUsdPer1M()
                + Math.max(0, outputTokens) * p.outputUsdPer1M()) / 1_000_000.0).orElse(0.0);
    }

    public double costUsd(LlmResponse response) {
        return costUsd(response.model(), response.inputTokens(), response.outputTokens());
    }

    public Map<String, Price> prices() {
        return prices;
    }
}
