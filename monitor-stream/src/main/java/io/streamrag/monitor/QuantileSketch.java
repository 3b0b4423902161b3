package io.streamrag.monitor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A mergeable quantile sketch with bounded relative error (the DDSketch idea): a value v > 0 falls in bucket
 * {@code ceil(log_gamma(v))} with {@code gamma = (1 + a) / (1 - a)}, and a bucket is reported as the value whose
 * relative distance to both bucket edges is {@code a}. Any quantile is then within {@code a} of the exact
 * value, whatever the distribution; two sketches merge by adding bucket counts, so per-partition and
 * per-minute sketches combine without losing accuracy. Values at or below {@link #MIN_VALUE} count as zero.
 */
public final class QuantileSketch {

    /** Half a percent: quantiles are within 0.5% of exact values, inside the 1% the dashboard promises. */
    public static final double RELATIVE_ACCURACY = 0.005;
    static final double MIN_VALUE = 1e-3;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    /** Values at or below MIN_VALUE; far below any real bucket (log_gamma(1e-3) is about -691). */
    static final int ZERO_BUCKET = Integer.MIN_VALUE;
    private static final int NO_BUCKET = Integer.MIN_VALUE + 1;

    private long zeroCount;
    private long count;
    private int offset;          // bucket index of counts[0]
    private long[] counts = new long[0];

    public void add(double value) {
        add(value, 1);
    }

    public void add(double value, long times) {
        if (times <= 0 || Double.isNaN(value)) {
            return;
        }
        addBucket(bucketOf(value), times);
    }

    /** The bucket a value falls in: {@link #ZERO_BUCKET} at or below {@link #MIN_VALUE}, NaN included. */
    static int bucketOf(double value) {
        if (Double.isNaN(value)) {
            return NO_BUCKET;
        }
        return value <= MIN_VALUE ? ZERO_BUCKET : (int) Math.ceil(Math.log(value) / LOG_GAMMA);
    }

    /** Adds one value already placed in its bucket by {@link #bucketOf}, so one event can feed several sketches. */
    void addBucket(int bucket) {
        addBucket(bucket, 1);
    }

    private void addBucket(int bucket, long times) {
        if (bucket == NO_BUCKET) {
            return;
        }
        count += times;
        if (bucket == ZERO_BUCKET) {
            zeroCount += times;
            return;
        }
        ensure(bucket);
        counts[bucket - offset] += times;
    }

    public void merge(QuantileSketch other) {
        if (other.count == 0) {
            return;
        }
        count += other.count;
        zeroCount += other.zeroCount;
        if (other.counts.length > 0) {
            ensure(other.offset);
            ensure(other.offset + other.counts.length - 1);
            for (int i = 0; i < other.counts.length; i++) {
                counts[other.offset + i - offset] += other.counts[i];
            }
        }
    }

    public long count() {
        return count;
    }

    /** The q-quantile (0..1), or NaN when empty. */
    public double quantile(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.floor(Math.max(0, Math.min(1, q)) * (count - 1));
        if (rank < zeroCount) {
            return 0;
        }
        long seen = zeroCount;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen > rank) {
                return 2 * Math.pow(GAMMA, offset + i) / (GAMMA + 1);
            }
        }
        return 2 * Math.pow(GAMMA, offset + counts.length - 1) / (GAMMA + 1);
    }

    private void ensure(int index) {
        if (counts.length == 0) {
            offset = index;
            counts = new long[8];
            return;
        }
        if (index < offset) {
            int grow = Math.max(offset - index, counts.length / 2);
            long[] bigger = new long[counts.length + grow];
            System.arraycopy(counts, 0, bigger, grow, counts.length);
            counts = bigger;
            offset -= grow;
        } else if (index >= offset + counts.length) {
            int needed = index - offset + 1;
            counts = Arrays.copyOf(counts, Math.max(needed, counts.length + counts.length / 2));
        }
    }

    /** Sparse form: the non-empty buckets as (index delta, count) pairs, variable-length encoded. */
    void write(DataOutput out) throws IOException {
        Varints.writeLong(out, count);
        Varints.writeLong(out, zeroCount);
        int nonEmpty = 0;
        for (long c : counts) {
            if (c != 0) {
                nonEmpty++;
            }
        }
        Varints.writeLong(out, nonEmpty);
        int previous = 0;
        boolean first = true;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                int index = offset + i;
                Varints.writeSignedLong(out, first ? index : index - previous);
                Varints.writeLong(out, counts[i]);
                previous = index;
                first = false;
            }
        }
    }

    static QuantileSketch read(DataInput in) throws IOException {
        QuantileSketch sketch = new QuantileSketch();
        sketch.count = Varints.readLong(in);
        sketch.zeroCount = Varints.readLong(in);
        int nonEmpty = (int) Varints.readLong(in);
        int[] indexes = new int[nonEmpty];
        long[] values = new long[nonEmpty];
        int index = 0;
        for (int i = 0; i < nonEmpty; i++) {
            index = (int) (i == 0 ? Varints.readSignedLong(in) : index + Varints.readSignedLong(in));
            indexes[i] = index;
            values[i] = Varints.readLong(in);
        }
        if (nonEmpty > 0) {
            sketch.offset = indexes[0];
            sketch.counts = new long[indexes[nonEmpty - 1] - indexes[0] + 1];
            for (int i = 0; i < nonEmpty; i++) {
                sketch.counts[indexes[i] - sketch.offset] = values[i];
            }
        }
        return sketch;
    }
}
