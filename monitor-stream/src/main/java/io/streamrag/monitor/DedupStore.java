package io.streamrag.monitor;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The event ids one partition has seen recently, to drop duplicates. An id is kept as 128 bits (a canonical UUID's
 * own bits, any other id's MD5) in one in-memory open-addressing table, with the generation of event time it was
 * seen in (a quarter of the retention long), so a lookup is one probe sequence instead of a walk through a sorted
 * store. An id is remembered until stream time is {@code retention} past its generation's end; then one pass over
 * the table drops that generation's ids.
 * <p>
 * Ids first seen since the last commit are written to a changelogged window store in batches (one record per
 * generation and up to {@link #BATCH_IDS} ids) when Kafka Streams commits, which it does for every store of the
 * task before it commits the input offsets. After a restart the table is rebuilt from that store. Together with
 * {@link AggregateWindowStore}, which writes its aggregates at the same commit, an event is either in both the
 * restored aggregates and the restored ids (so its reprocessed copy is dropped as a duplicate) or in neither (so it
 * is counted when reprocessed). With {@code processing.guarantee=exactly_once_v2} the two writes and the offsets
 * are one transaction; at least once, a crash in the middle of a commit can leave them apart.
 */
final class DedupStore implements StateStore {

    /** Ids per changelog record: 16 bytes each, so a record stays far below the default 1 MB message limit. */
    static final int BATCH_IDS = 16_384;

    private final WindowStore<Long, byte[]> inner;   // batch number -> packed ids, at the generation's start
    private final long generationMs;
    private final long retentionMs;
    private final IdSet ids = new IdSet();
    /** Ids remembered per generation start, to know when the oldest generation is due to be forgotten. */
    private final TreeMap<Long, Long> generations = new TreeMap<>();
    private final TreeMap<Long, IdList> unwritten = new TreeMap<>();
    private long nextBatch;
    private boolean loaded;

    DedupStore(WindowStore<Long, byte[]> inner, Duration retention) {
        this.inner = inner;
        this.retentionMs = Math.max(1, retention.toMillis());
        this.generationMs = Math.max(1, retentionMs / 4);
    }

    /** An in-memory, changelogged window store underneath, kept long enough to rebuild every live generation. */
    static StoreBuilder<DedupStore> builder(String name, Duration retention) {
        long generation = Math.max(1, retention.toMillis() / 4);
        Duration innerRetention = retention.plusMillis(2 * generation);
        Map<String, String> logConfig = Map.of("cleanup.policy", "compact,delete",
                "retention.ms", Long.toString(innerRetention.plus(Duration.ofDays(1)).toMillis()));
        return new WrappedStoreBuilder<>(Stores.windowStoreBuilder(
                Stores.inMemoryWindowStore(name, innerRetention, Duration.ofMillis(generation), false),
                Serdes.Long(), Serdes.ByteArray()), logConfig, inner -> new DedupStore(inner, retention));
    }

    /**
     * Remembers an event id seen at {@code time}; false when it was already seen (a duplicate).
     * {@code streamTime} is the partition's latest event time: generations that far past retention are forgotten.
     */
    boolean firstSeen(String eventId, long time, long streamTime) {
        load();
        expire(streamTime);
        long hi;
        long lo;
        long[] uuid = canonicalUuid(eventId);
        if (uuid != null) {
            hi = uuid[0];
            lo = uuid[1];
        } else {
            ByteBuffer digest = ByteBuffer.wrap(md5(eventId));
            hi = digest.getLong();
            lo = digest.getLong();
        }
        if (ids.contains(hi, lo)) {
            return false;
        }
        long generation = time - Math.floorMod(time, generationMs);
        if (streamTime != Long.MIN_VALUE && generation + generationMs + retentionMs <= streamTime) {
            return true; // too old to remember: its window has long closed, so it is dropped as late anyway
        }
        ids.add(hi, lo, generation);
        generations.merge(generation, 1L, Long::sum);
        unwritten.computeIfAbsent(generation, g -> new IdList()).add(hi, lo);
        return true;
    }

    /** How many ids are remembered (for tests and sizing). */
    long size() {
        load();
        return ids.size;
    }

    private void expire(long streamTime) {
        if (generations.isEmpty() || generations.firstKey() + generationMs + retentionMs > streamTime) {
            return;
        }
        while (!generations.isEmpty() && generations.firstKey() + generationMs + retentionMs <= streamTime) {
            unwritten.remove(generations.pollFirstEntry().getKey());
        }
        // once a generation: one pass over the table keeps the ids of the generations still remembered
        ids.retainFrom(generations.isEmpty() ? Long.MAX_VALUE : generations.firstKey());
    }

    /** After a restart: every stored batch back into the table, under its generation (once restoration is done). */
    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        try (KeyValueIterator<Windowed<Long>, byte[]> all = inner.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<Long>, byte[]> next = all.next();
                nextBatch = Math.max(nextBatch, next.key.key() + 1);
                long generation = next.key.window().start();
                ByteBuffer batch = ByteBuffer.wrap(next.value);
                while (batch.remaining() >= 16) {
                    if (ids.add(batch.getLong(), batch.getLong(), generation)) {
                        generations.merge(generation, 1L, Long::sum);
                    }
                }
            }
        }
    }

    private void writeUnwritten() {
        unwritten.forEach((generation, seen) -> {
            for (int from = 0; from < seen.size; from += BATCH_IDS) {
                int n = Math.min(BATCH_IDS, seen.size - from);
                ByteBuffer batch = ByteBuffer.allocate(16 * n);
                for (int i = from; i < from + n; i++) {
                    batch.putLong(seen.values[2 * i]).putLong(seen.values[2 * i + 1]);
                }
                inner.put(nextBatch++, batch.array(), generation);
            }
        });
        unwritten.clear();
    }

    /** The 128 bits of a UUID in its canonical lower-case form, or null for any other id. */
    static long[] canonicalUuid(String id) {
        if (id.length() != 36) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            int v;
            if (c >= '0' && c <= '9') {
                v = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                v = c - 'a' + 10;
            } else {
                return null;
            }
            if (digits < 16) {
                hi = (hi << 4) | v;
            } else {
                lo = (lo << 4) | v;
            }
            digits++;
        }
        return new long[]{hi, lo};
    }

    private static byte[] md5(String id) {
        try {
            return MessageDigest.getInstance("MD5").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        writeUnwritten();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeUnwritten();
        inner.commit(changelogOffsets);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    /** Ids as pairs of longs in insertion order. */
    private static final class IdList {
        long[] values = new long[64];
        int size;

        void add(long hi, long lo) {
            if (2 * size + 2 > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[2 * size] = hi;
            values[2 * size + 1] = lo;
            size++;
        }
    }

    /**
     * Open addressing over pairs of longs, with each id's generation alongside; the all-zero id (the nil UUID)
     * is kept aside as it marks a free slot. One table for every generation: a lookup is one probe sequence.
     */
    private static final class IdSet {
        long[] slots = new long[2 * 1024];
        long[] generationOf = new long[1024];
        int size;
        boolean hasZero;
        long zeroGeneration;

        boolean contains(long hi, long lo) {
            if (hi == 0 && lo == 0) {
                return hasZero;
            }
            int mask = generationOf.length - 1;
            for (int i = index(hi, lo, mask); ; i = (i + 1) & mask) {
                long h = slots[2 * i];
                long l = slots[2 * i + 1];
                if (h == 0 && l == 0) {
                    return false;
                }
                if (h == hi && l == lo) {
                    return true;
                }
            }
        }

        /** False when the id was there already. */
        boolean add(long hi, long lo, long generation) {
            if (hi == 0 && lo == 0) {
                if (hasZero) {
                    return false;
                }
                hasZero = true;
                zeroGeneration = generation;
                size++;
                return true;
            }
            if (size + 1 > generationOf.length / 2) { // keep the load at or below one half
                rebuild(generationOf.length * 2, Long.MIN_VALUE);
            }
            if (insert(slots, generationOf, hi, lo, generation)) {
                size++;
                return true;
            }
            return false;
        }

        /** Forgets the ids of generations before {@code oldest}. */
        void retainFrom(long oldest) {
            if (hasZero && zeroGeneration < oldest) {
                hasZero = false;
                size--;
            }
            rebuild(generationOf.length, oldest);
        }

        private void rebuild(int capacity, long oldest) {
            long[] newSlots = new long[2 * capacity];
            long[] newGenerations = new long[capacity];
            int kept = hasZero ? 1 : 0;
            for (int i = 0; i < generationOf.length; i++) {
                long h = slots[2 * i];
                long l = slots[2 * i + 1];
                if ((h != 0 || l != 0) && generationOf[i] >= oldest) {
                    insert(newSlots, newGenerations, h, l, generationOf[i]);
                    kept++;
                }
            }
            slots = newSlots;
            generationOf = newGenerations;
            size = kept;
        }

        private static boolean insert(long[] table, long[] generations, long hi, long lo, long generation) {
            int mask = generations.length - 1;
            for (int i = index(hi, lo, mask); ; i = (i + 1) & mask) {
                long h = table[2 * i];
                long l = table[2 * i + 1];
                if (h == 0 && l == 0) {
                    table[2 * i] = hi;
                    table[2 * i + 1] = lo;
                    generations[i] = generation;
                    return true;
                }
                if (h == hi && l == lo) {
                    return false;
                }
            }
        }

        private static int index(long hi, long lo, int mask) {
            long h = (hi ^ Long.rotateLeft(lo, 29)) * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }
}
