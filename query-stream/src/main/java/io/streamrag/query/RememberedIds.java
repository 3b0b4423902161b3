package io.streamrag.query;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Request ids remembered for a while to drop redeliveries: a store of id -> when it was answered (or handed on).
 * Forgetting walks the store one slice at a time, going on where the previous slice stopped. One scan of the whole
 * store would hold the stream thread, which every request waits for, for seconds once a week of ids has piled up
 * (12 million at 20 requests a second). A slice is sized so that a whole pass takes at most a quarter of the
 * retention: ids are forgotten between one and 1.25 retentions after they were answered. A pass also notes the oldest
 * id it kept, and no slice runs until that id (or one remembered during the pass) can have expired: with a week's
 * retention the store is walked once a week, not every second.
 */
final class RememberedIds {

    /** How often {@link #forgetSome} runs (a wall-clock punctuator of the owning processor). */
    static final Duration FORGET_INTERVAL = Duration.ofSeconds(1);
    static final int MIN_SLICE = 1_000;

    private final KeyValueStore<String, Long> store;
    private final Duration retention;
    private String cursor;
    // the pass under way: when it began and the oldest time it kept; nextExpiry: no id expires before it
    private long passStart;
    private long oldestKept = Long.MAX_VALUE;
    private long nextExpiry = Long.MIN_VALUE;

    RememberedIds(KeyValueStore<String, Long> store, Duration retention) {
        this.store = store;
        this.retention = retention;
    }

    boolean contains(String id) {
        return store.get(id) != null;
    }

    void remember(String id, long now) {
        store.put(id, now);
    }

    /** Looks at the next slice of ids and forgets those older than the retention; returns how many it forgot. */
    int forgetSome(long now) {
        if (now < nextExpiry) {
            return 0;
        }
        if (cursor == null) {
            passStart = now;
        }
        long cutoff = now - retention.toMillis();
        long slice = Math.max(MIN_SLICE, store.approximateNumEntries() * 4 * FORGET_INTERVAL.toMillis() / retention.toMillis());
        List<String> old = new ArrayList<>();
        String last = null;
        int looked = 0;
        try (KeyValueIterator<String, Long> it = cursor == null ? store.all() : store.range(cursor, null)) {
            while (looked < slice && it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (entry.key.equals(cursor)) {
                    continue; // where the previous slice stopped: looked at already
                }
                looked++;
                last = entry.key;
                if (entry.value != null && entry.value < cutoff) {
                    old.add(entry.key);
                } else if (entry.value != null) {
                    oldestKept = Math.min(oldestKept, entry.value);
                }
            }
            cursor = it.hasNext() ? last : null;
        }
        if (cursor == null) {
            // a whole pass: what it kept, and what was remembered since it began, expires no sooner than this
            nextExpiry = Math.min(oldestKept, passStart) + retention.toMillis();
            oldestKept = Long.MAX_VALUE;
        }
        old.forEach(store::delete);
        return old.size();
    }
}
