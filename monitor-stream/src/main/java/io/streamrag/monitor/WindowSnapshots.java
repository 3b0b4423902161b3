package io.streamrag.monitor;

import java.util.List;

/** Read access to window aggregates: every (dimension, window start) with start in [from, to]. */
public interface WindowSnapshots {

    record Snapshot(String dimension, long start, byte[] aggregate) {
    }

    List<Snapshot> snapshot(long fromStart, long toStart);
}
