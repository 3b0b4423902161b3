package io.streamrag.platform.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers the results of a pure, costly function of its key (the injection verdict of a chunk, the analysis of
 * a context sentence) for the keys seen most recently, in at most {@code capacity} entries. Two generations
 * approximate LRU without a lock on the read path: hits in the old generation move to the young one, and when the
 * young one is full it becomes the old one and the previous old one is dropped. Safe for concurrent use; two
 * threads missing the same key may both compute it, which is harmless for a pure function.
 */
public final class BoundedMemo<K, V> {

    private final int generationSize;
    private final Function<K, V> compute;
    private volatile Map<K, V> young = new ConcurrentHashMap<>();
    private volatile Map<K, V> old = new ConcurrentHashMap<>();

    /**
     * @param capacity how many results to keep at most (0 remembers nothing)
     * @param compute  the function; must be pure (same key, same result) and must not return null
     */
    public BoundedMemo(int capacity, Function<K, V> compute) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        this.generationSize = capacity / 2;
        this.compute = compute;
    }

    public V get(K key) {
        if (generationSize == 0) {
            return compute.apply(key);
        }
        Map<K, V> current = young;
        V value = current.get(key);
        if (value != null) {
            return value;
        }
        value = old.get(key);
        if (value == null) {
            value = compute.apply(key);
        }
        current.put(key, value);
        if (current.size() > generationSize) {
            rotate(current);
        }
        return value;
    }

    /** Entries held now (both generations; a key may be counted twice while it moves). */
    public int size() {
        return young.size() + old.size();
    }

    private synchronized void rotate(Map<K, V> full) {
        if (young == full) {
            old = full;
            young = new ConcurrentHashMap<>();
        }
    }
}
