package io.streamrag.vectorstore.lucene;

import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import org.apache.lucene.util.VectorUtil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Measures the embedded store on synthetic vectors shaped like real embeddings: each vector is a random unit
 * "topic" centre plus Gaussian noise, normalised. (Uniformly random high-dimensional vectors are all nearly
 * orthogonal, which makes HNSW look far worse than it is on real data.) Queries are fresh draws from the same
 * distribution. Recall@10 is measured against an exact brute-force scan of the same vectors.
 */
public final class LuceneStoreBenchmark {

    static final int K = 10;
    private static final String TENANT = "bench";
    private static final int BATCH = 1_000;
    /** Noise norm relative to the unit centre: a chunk sits at cosine ~0.75 to its topic, as sentences do. */
    private static final double NOISE = 0.9;

    /**
     * @param indexSeconds          upserting every chunk in batches of 1,000 and a commit (no search between batches, so no reader reopen)
     * @param recallAt10            mean share of the exact top 10 that the store returned, over all queries
     * @param queriesPerSecond      k = 10 vector searches through the store, one thread, after a warm-up
     * @param exactQueriesPerSecond brute-force scans of all vectors in memory (SIMD dot products), one thread
     */
    public record Result(int chunks, int queries, int dimensions, double indexSeconds, double recallAt10,
                         double queriesPerSecond, double exactQueriesPerSecond) {
    }

    private LuceneStoreBenchmark() {
    }

    /** Builds a store of {@code chunks} vectors in {@code dir} (which should be empty) and measures it. */
    public static Result run(int chunks, int queries, int dimensions, long seed, Path dir) {
        if (chunks < K || queries < 1 || dimensions < 2) {
            throw new IllegalArgumentException("need at least " + K + " chunks, 1 query and 2 dimensions");
        }
        Random random = new Random(seed);
        int topics = Math.max(1, (int) Math.sqrt(chunks));
        float[][] centres = new float[topics][];
        for (int t = 0; t < topics; t++) {
            centres[t] = normalise(gaussian(random, dimensions, 1.0 / Math.sqrt(dimensions)));
        }
        float[][] data = new float[chunks][];
        for (int i = 0; i < chunks; i++) {
            data[i] = around(centres[random.nextInt(topics)], random);
        }
        float[][] queryVectors = new float[queries][];
        for (int q = 0; q < queries; q++) {
            queryVectors[q] = around(centres[random.nextInt(topics)], random);
        }

        try (LuceneVectorStore store = LuceneVectorStore.open(dir)) {
            long start = System.nanoTime();
            for (int from = 0; from < chunks; from += BATCH) {
                List<StoredChunk> batch = new ArrayList<>(BATCH);
                for (int i = from; i < Math.min(chunks, from + BATCH); i++) {
                    batch.add(new StoredChunk(chunkId(i), TENANT, "doc-" + i, 1, 0, null, "chunk " + i,
                            List.of(), Map.of(), data[i]));
                }
                store.upsert(batch);
            }
            store.commit();
            double indexSeconds = (System.nanoTime() - start) / 1e9;

            int[][] exact = new int[queries][];
            exactTopK(data, queryVectors[0]); // warm-up
            double exactQps = timed(queries, q -> exact[q] = exactTopK(data, queryVectors[q]));

            double recall = 0;
            for (int q = 0; q < queries; q++) {
                recall += overlap(exact[q], search(store, queryVectors[q])) / (double) K;
            }
            timed(queries, q -> search(store, queryVectors[q])); // warm-up: JIT and page cache
            double qps = timed(queries, q -> search(store, queryVectors[q]));
            return new Result(chunks, queries, dimensions, indexSeconds, recall / queries, qps, exactQps);
        }
    }

    private static int[] search(LuceneVectorStore store, float[] query) {
        List<ScoredChunk> hits = store.search(new SearchRequest(TENANT, Set.of(), null, query, K, SearchMode.VECTOR));
        return hits.stream().mapToInt(h -> Integer.parseInt(h.chunk().chunkId().substring(2))).toArray();
    }

    private static String chunkId(int i) {
        return "c-" + i;
    }

    /** Indices of the K vectors with the highest dot product, by a full scan (the exact baseline). */
    static int[] exactTopK(float[][] data, float[] query) {
        int[] best = new int[K];
        float[] scores = new float[K];
        Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < data.length; i++) {
            float dot = VectorUtil.dotProduct(data[i], query); // SIMD when the Vector API module is present
            if (dot > scores[K - 1]) {
                int at = K - 1;
                while (at > 0 && scores[at - 1] < dot) {
                    scores[at] = scores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                scores[at] = dot;
                best[at] = i;
            }
        }
        return best;
    }

    private static int overlap(int[] exact, int[] found) {
        int n = 0;
        for (int e : exact) {
            for (int f : found) {
                if (e == f) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private interface Query {
        Object run(int q);
    }

    private static double timed(int queries, Query query) {
        long start = System.nanoTime();
        int sink = 0;
        for (int q = 0; q < queries; q++) {
            sink += query.run(q).hashCode() & 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return sink >= 0 ? queries / seconds : 0; // sink keeps the JIT from discarding the work
    }

    private static float[] around(float[] centre, Random random) {
        float[] noise = gaussian(random, centre.length, NOISE / Math.sqrt(centre.length));
        for (int d = 0; d < centre.length; d++) {
            noise[d] += centre[d];
        }
        return normalise(noise);
    }

    private static float[] gaussian(Random random, int dimensions, double sigma) {
        float[] v = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            v[d] = (float) (random.nextGaussian() * sigma);
        }
        return v;
    }

    private static float[] normalise(float[] v) {
        return io.streamrag.platform.vector.Vectors.normalize(v);
    }
}
