package io.streamrag.query.check;

/**
 * Confusion counts of a binary detector (positive = hallucinated, or attack) and the rates derived from them.
 * A rate with an empty denominator is 0, so an empty slice never reads as perfect.
 */
public record BinaryMetrics(int truePositives, int falsePositives, int trueNegatives, int falseNegatives) {

    public static BinaryMetrics empty() {
        return new BinaryMetrics(0, 0, 0, 0);
    }

    public BinaryMetrics add(boolean actualPositive, boolean predictedPositive) {
        return new BinaryMetrics(
                truePositives + (actualPositive && predictedPositive ? 1 : 0),
                falsePositives + (!actualPositive && predictedPositive ? 1 : 0),
                trueNegatives + (!actualPositive && !predictedPositive ? 1 : 0),
                falseNegatives + (actualPositive && !predictedPositive ? 1 : 0));
    }

    public int n() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    public int positives() {
        return truePositives + falseNegatives;
    }

    public int negatives() {
        return trueNegatives + falsePositives;
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** Also the detection rate. */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double accuracy() {
        return ratio(truePositives + trueNegatives, n());
    }

    public double falsePositiveRate() {
        return ratio(falsePositives, falsePositives + trueNegatives);
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? 0 : numerator / (double) denominator;
    }
}
