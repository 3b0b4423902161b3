package io.streamrag.query;

/** The price of one LLM call in US dollars, from a price table keyed by provider and model. */
@FunctionalInterface
public interface CostEstimator {

    double costUsd(String provider, String model, long inputTokens, long outputTokens);

    static CostEstimator free() {
        return (provider, model, in, out) -> 0.0;
    }
}
