package io.streamrag.monitor;

import io.streamrag.events.MetricWindow;
import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;
import io.streamrag.schemas.Events;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the monitor knows about one dimension value in one window: counters, latency sketches per stage,
 * and the feature distributions drift is measured on. Mergeable: the aggregate of a window is the merge of the
 * partial aggregates of every partition, and a hopping window is the merge of the tumbling windows it covers.
 */
public final class WindowAggregate {

    /** Upper bin edges (characters) of question and answer length distributions. */
    static final int[] LENGTH_EDGES = {20, 50, 100, 200, 500, 1000, 2000};
    static final int SCORE_BINS = 10;
    private static final byte FORMAT = 1;

    long requests;
    long errors;
    final Map<String, Long> statusCounts = new TreeMap<>();
    final Map<String, QuantileSketch> latency = new TreeMap<>();
    long inputTokens;
    long outputTokens;
    double costUsd;
    long hallucinated;
    double groundednessSum;
    long groundednessCount;
    long injectionBlocks;
    long cacheHits;
    long rateLimited;
    long ingestDocuments;
    long ingestChunks;
    long deadLetters;
    final Map<String, Long> languages = new TreeMap<>();
    final long[] questionBins = new long[LENGTH_EDGES.length + 1];
    final long[] answerBins = new long[LENGTH_EDGES.length + 1];
    final long[] scoreBins = new long[SCORE_BINS];
    long questionCharsSum;
    long answerCharsSum;
    double scoreSum;
    long scoreCount;
    /** Set once the window's partial result has been sent on: later events for it are late. */
    boolean closed;
    /** Changed since it was last written to the store (not part of its bytes). */
    boolean changed;

    public void add(Telemetry t, Set<String> errorStatuses) {
        add(new Contribution(t, errorStatuses));
    }

    /**
     * Adds one event, read once into a {@link Contribution}: an event counts in four dimensions, and everything
     * that does not depend on the aggregate (status checks, flags, sketch buckets, bins) is worked out only once.
     */
    void add(Contribution c) {
        if (c.ingest) {
            ingestDocuments++;
            ingestChunks += c.chunks;
            deadLetters += c.deadLetters;
            return;
        }
        requests++;
        Long statusCount = statusCounts.get(c.status);
        statusCounts.put(c.status, statusCount == null ? 1L : statusCount + 1);
        if (c.error) {
            errors++;
        }
        if (c.rateLimited) {
            rateLimited++;
        }
        if (c.injection) {
            injectionBlocks++;
        }
        for (int i = 0; i < c.stages.length; i++) {
            QuantileSketch sketch = latency.get(c.stages[i]);
            if (sketch == null) {
                sketch = new QuantileSketch();
                latency.put(c.stages[i], sketch);
            }
            sketch.addBucket(c.buckets[i]);
        }
        inputTokens += c.inputTokens;
        outputTokens += c.outputTokens;
        costUsd += c.costUsd;
        if (c.hallucinated) {
            hallucinated++;
        }
        if (c.hasGroundedness) {
            groundednessSum += c.groundedness;
            groundednessCount++;
        }
        if (c.cached) {
            cacheHits++;
        }
        if (c.language != null) {
            Long languageCount = languages.get(c.language);
            languages.put(c.language, languageCount == null ? 1L : languageCount + 1);
        }
        if (c.questionChars > 0) {
            questionBins[c.questionBin]++;
            questionCharsSum += c.questionChars;
        }
        if (c.answerChars > 0) {
            answerBins[c.answerBin]++;
            answerCharsSum += c.answerChars;
        }
        if (c.hasScore) {
            scoreBins[c.scoreBin]++;
            scoreSum += c.score;
            scoreCount++;
        }
    }

    /** What one telemetry event adds to an aggregate, whichever dimension the aggregate is for. */
    static final class Contribution {
        final boolean ingest;
        final long chunks;
        final long deadLetters;
        final String status;
        final boolean error;
        final boolean rateLimited;
        final boolean injection;
        final String[] stages;
        final int[] buckets;
        final long inputTokens;
        final long outputTokens;
        final double costUsd;
        final boolean hallucinated;
        final boolean hasGroundedness;
        final double groundedness;
        final boolean cached;
        final String language;
        final int questionChars;
        final int questionBin;
        final int answerChars;
        final int answerBin;
        final boolean hasScore;
        final double score;
        final int scoreBin;

        Contribution(Telemetry t, Set<String> errorStatuses) {
            status = t.getStatus();
            ingest = t.getKind() == TelemetryKind.INGEST;
            chunks = t.getChunks();
            deadLetters = t.getDeadLetters() + ("DEAD_LETTER".equals(status) ? 1 : 0);
            error = errorStatuses.contains(status);
            rateLimited = "RATE_LIMITED".equals(status);
            injection = "BLOCKED".equals(status) || hasInjectionFlag(t.getFlags());
            Map<String, Long> latencyMs = t.getLatencyMs();
            stages = new String[latencyMs.size()];
            buckets = new int[latencyMs.size()];
            int i = 0;
            for (Map.Entry<String, Long> stage : latencyMs.entrySet()) {
                stages[i] = stage.getKey();
                buckets[i] = QuantileSketch.bucketOf(stage.getValue());
                i++;
            }
            inputTokens = t.getInputTokens();
            outputTokens = t.getOutputTokens();
            costUsd = t.getCostUsd();
            hallucinated = t.getHallucinated();
            hasGroundedness = t.getGroundedness() != null;
            groundedness = hasGroundedness ? t.getGroundedness() : 0;
            cached = t.getCached();
            language = t.getLanguage();
            questionChars = t.getQuestionChars();
            questionBin = lengthBin(questionChars);
            answerChars = t.getAnswerChars();
            answerBin = lengthBin(answerChars);
            hasScore = t.getRetrievalTopScore() != null;
            score = hasScore ? t.getRetrievalTopScore() : 0;
            scoreBin = (int) Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(score * SCORE_BINS)));
        }

        private static boolean hasInjectionFlag(List<String> flags) {
            for (String flag : flags) {
                if (flag.startsWith("injection")) {
                    return true;
                }
            }
            return false;
        }
    }

    public WindowAggregate merge(WindowAggregate o) {
        requests += o.requests;
        errors += o.errors;
        o.statusCounts.forEach((k, v) -> statusCounts.merge(k, v, Long::sum));
        o.latency.forEach((k, v) -> latency.computeIfAbsent(k, x -> new QuantileSketch()).merge(v));
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        costUsd += o.costUsd;
        hallucinated += o.hallucinated;
        groundednessSum += o.groundednessSum;
        groundednessCount += o.groundednessCount;
        injectionBlocks += o.injectionBlocks;
        cacheHits += o.cacheHits;
        rateLimited += o.rateLimited;
        ingestDocuments += o.ingestDocuments;
        ingestChunks += o.ingestChunks;
        deadLetters += o.deadLetters;
        o.languages.forEach((k, v) -> languages.merge(k, v, Long::sum));
        for (int i = 0; i < questionBins.length; i++) {
            questionBins[i] += o.questionBins[i];
            answerBins[i] += o.answerBins[i];
        }
        for (int i = 0; i < SCORE_BINS; i++) {
            scoreBins[i] += o.scoreBins[i];
        }
        questionCharsSum += o.questionCharsSum;
        answerCharsSum += o.answerCharsSum;
        scoreSum += o.scoreSum;
        scoreCount += o.scoreCount;
        return this;
    }

    static int lengthBin(int chars) {
        for (int i = 0; i < LENGTH_EDGES.length; i++) {
            if (chars <= LENGTH_EDGES[i]) {
                return i;
            }
        }
        return LENGTH_EDGES.length;
    }

    // ---- derived values

    public long requests() {
        return requests;
    }

    public long events() {
        return requests + ingestDocuments;
    }

    public double errorRate() {
        return ratio(errors, requests);
    }

    public double hallucinationRate() {
        return ratio(hallucinated, requests);
    }

    public double cacheHitRate() {
        return ratio(cacheHits, requests);
    }

    public double rateLimitedShare() {
        return ratio(rateLimited, requests);
    }

    public Double meanGroundedness() {
        return groundednessCount == 0 ? null : groundednessSum / groundednessCount;
    }

    /** The q-quantile of a stage's latency in ms, NaN when that stage was never seen. */
    public double latency(String stage, double q) {
        QuantileSketch sketch = latency.get(stage);
        return sketch == null ? Double.NaN : sketch.quantile(q);
    }

    public Map<String, Double> features() {
        Map<String, Double> features = new TreeMap<>();
        long questions = sum(questionBins);
        long answers = sum(answerBins);
        if (questions > 0) {
            features.put("question_chars_mean", (double) questionCharsSum / questions);
        }
        if (answers > 0) {
            features.put("answer_chars_mean", (double) answerCharsSum / answers);
        }
        if (scoreCount > 0) {
            features.put("retrieval_top_score_mean", scoreSum / scoreCount);
        }
        long languageTotal = languages.values().stream().mapToLong(Long::longValue).sum();
        languages.forEach((lang, n) -> features.put("language_share_" + lang, (double) n / languageTotal));
        return features;
    }

    static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : (double) part / whole;
    }

    public MetricWindow toMetricWindow(String windowLabel, long start, long end, DimensionKey key,
                                       Map<String, Double> drift, List<String> driftFlagged) {
        Map<String, Double> p50 = new TreeMap<>();
        Map<String, Double> p95 = new TreeMap<>();
        Map<String, Double> p99 = new TreeMap<>();
        latency.forEach((stage, sketch) -> {
            p50.put(stage, sketch.quantile(0.50));
            p95.put(stage, sketch.quantile(0.95));
            p99.put(stage, sketch.quantile(0.99));
        });
        String id = windowLabel + "/" + key + "/" + start;
        return MetricWindow.newBuilder()
                .setHeader(Events.deterministicHeader("metric/" + id, id, end))
                .setWindow(windowLabel)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setDimension(key.dimension())
                .setDimensionValue(key.value())
                .setRequests(requests)
                .setStatusCounts(new TreeMap<>(statusCounts))
                .setErrorRate(errorRate())
                .setLatencyP50Ms(p50)
                .setLatencyP95Ms(p95)
                .setLatencyP99Ms(p99)
                .setInputTokens(inputTokens)
                .setOutputTokens(outputTokens)
                .setCostUsd(costUsd)
                .setHallucinationRate(hallucinationRate())
                .setMeanGroundedness(meanGroundedness())
                .setInjectionBlocks(injectionBlocks)
                .setCacheHitRate(cacheHitRate())
                .setRateLimitedShare(rateLimitedShare())
                .setIngestDocuments(ingestDocuments)
                .setIngestChunks(ingestChunks)
                .setDeadLetters(deadLetters)
                .setLanguageCounts(new TreeMap<>(languages))
                .setFeatures(features())
                .setDrift(new TreeMap<>(drift))
                .setDriftFlagged(new ArrayList<>(driftFlagged))
                .build();
    }

    // ---- bytes

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeBoolean(closed);
            for (long v : new long[]{requests, errors, inputTokens, outputTokens, hallucinated, groundednessCount,
                    injectionBlocks, cacheHits, rateLimited, ingestDocuments, ingestChunks, deadLetters,
                    questionCharsSum, answerCharsSum, scoreCount}) {
                Varints.writeLong(out, v);
            }
            out.writeDouble(costUsd);
            out.writeDouble(groundednessSum);
            out.writeDouble(scoreSum);
            writeCounts(out, statusCounts);
            writeCounts(out, languages);
            for (long[] bins : List.of(questionBins, answerBins, scoreBins)) {
                for (long v : bins) {
                    Varints.writeLong(out, v);
                }
            }
            Varints.writeLong(out, latency.size());
            for (Map.Entry<String, QuantileSketch> e : latency.entrySet()) {
                out.writeUTF(e.getKey());
                e.getValue().write(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WindowAggregate fromBytes(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IOException("unknown aggregate format " + format);
            }
            WindowAggregate a = new WindowAggregate();
            a.closed = in.readBoolean();
            a.requests = Varints.readLong(in);
            a.errors = Varints.readLong(in);
            a.inputTokens = Varints.readLong(in);
            a.outputTokens = Varints.readLong(in);
            a.hallucinated = Varints.readLong(in);
            a.groundednessCount = Varints.readLong(in);
            a.injectionBlocks = Varints.readLong(in);
            a.cacheHits = Varints.readLong(in);
            a.rateLimited = Varints.readLong(in);
            a.ingestDocuments = Varints.readLong(in);
            a.ingestChunks = Varints.readLong(in);
            a.deadLetters = Varints.readLong(in);
            a.questionCharsSum = Varints.readLong(in);
            a.answerCharsSum = Varints.readLong(in);
            a.scoreCount = Varints.readLong(in);
            a.costUsd = in.readDouble();
            a.groundednessSum = in.readDouble();
            a.scoreSum = in.readDouble();
            readCounts(in, a.statusCounts);
            readCounts(in, a.languages);
            for (long[] bins : List.of(a.questionBins, a.answerBins, a.scoreBins)) {
                for (int i = 0; i < bins.length; i++) {
                    bins[i] = Varints.readLong(in);
                }
            }
            long stages = Varints.readLong(in);
            for (int i = 0; i < stages; i++) {
                a.latency.put(in.readUTF(), QuantileSketch.read(in));
            }
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt window aggregate", e);
        }
    }

    private static void writeCounts(DataOutputStream out, Map<String, Long> counts) throws IOException {
        Varints.writeLong(out, counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            out.writeUTF(e.getKey());
            Varints.writeLong(out, e.getValue());
        }
    }

    private static void readCounts(DataInputStream in, Map<String, Long> counts) throws IOException {
        long n = Varints.readLong(in);
        for (int i = 0; i < n; i++) {
            counts.put(in.readUTF(), Varints.readLong(in));
        }
    }
}
