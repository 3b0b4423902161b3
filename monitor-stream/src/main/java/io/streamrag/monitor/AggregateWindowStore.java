package io.streamrag.monitor;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-partition window aggregates, kept as objects while their window is open and written to a changelogged
 * window store when Kafka Streams commits. Updating a serialised aggregate for every event (four dimensions,
 * sketches included) would cost more than everything else the monitor does; here an event costs a map lookup
 * and a few additions. Nothing is lost: Kafka Streams commits (flushes) every store before it commits input
 * offsets, and {@link #commit} writes every changed aggregate first. Interactive queries read the open
 * objects too, so live values are current to the event.
 */
final class AggregateWindowStore implements StateStore, WindowSnapshots {

    record WindowKey(String dimension, long start) {
    }

    private final WindowStore<String, byte[]> inner;
    private final Map<WindowKey, WindowAggregate> open = new HashMap<>();
    private boolean loaded;

    private AggregateWindowStore(WindowStore<String, byte[]> inner) {
        this.inner = inner;
    }

    /** A builder Kafka Streams can add to a topology: an in-memory, changelogged window store underneath. */
    static StoreBuilder<AggregateWindowStore> builder(String name, Duration retention, Duration window) {
        Map<String, String> logConfig = Map.of("cleanup.policy", "compact,delete",
                "retention.ms", Long.toString(retention.plus(Duration.ofDays(1)).toMillis()));
        return new WrappedStoreBuilder<>(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(name, retention, window, false),
                Serdes.String(), Serdes.ByteArray()), logConfig, AggregateWindowStore::new);
    }

    /** The aggregate of an open window, created if new; null when that window was already closed (late event). */
    synchronized WindowAggregate openWindow(String dimension, long start) {
        loadOpenWindows();
        WindowKey key = new WindowKey(dimension, start);
        WindowAggregate aggregate = open.get(key);
        if (aggregate == null) {
            byte[] stored = inner.fetch(dimension, start);
            aggregate = stored == null ? new WindowAggregate() : WindowAggregate.fromBytes(stored);
            if (aggregate.closed) {
                return null;
            }
            open.put(key, aggregate);
        }
        aggregate.changed = true;
        return aggregate;
    }

    synchronized List<WindowKey> openWindows() {
        loadOpenWindows();
        return new ArrayList<>(open.keySet());
    }

    /** Marks a window closed and returns its final per-partition aggregate as bytes. */
    synchronized byte[] close(WindowKey key) {
        WindowAggregate aggregate = open.remove(key);
        aggregate.closed = true;
        byte[] bytes = aggregate.toBytes();
        inner.put(key.dimension(), bytes, key.start());
        return bytes;
    }

    @Override
    public synchronized List<Snapshot> snapshot(long fromStart, long toStart) {
        Map<WindowKey, byte[]> found = new HashMap<>();
        try (KeyValueIterator<Windowed<String>, byte[]> all = inner.fetchAll(fromStart, toStart)) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, byte[]> next = all.next();
                found.put(new WindowKey(next.key.key(), next.key.window().start()), next.value);
            }
        }
        open.forEach((key, aggregate) -> {
            if (key.start() >= fromStart && key.start() <= toStart) {
                found.put(key, aggregate.toBytes());
            }
        });
        List<Snapshot> out = new ArrayList<>(found.size());
        found.forEach((key, bytes) -> out.add(new Snapshot(key.dimension(), key.start(), bytes)));
        return out;
    }

    /** After a restart the open windows are the stored ones not yet closed; read once restoration is done. */
    private void loadOpenWindows() {
        if (loaded) {
            return;
        }
        loaded = true;
        try (KeyValueIterator<Windowed<String>, byte[]> all = inner.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, byte[]> next = all.next();
                WindowAggregate aggregate = WindowAggregate.fromBytes(next.value);
                if (!aggregate.closed) {
                    open.put(new WindowKey(next.key.key(), next.key.window().start()), aggregate);
                }
            }
        }
    }

    private void writeDirty() {
        open.forEach((key, aggregate) -> {
            if (aggregate.changed) {
                inner.put(key.dimension(), aggregate.toBytes(), key.start());
                aggregate.changed = false;
            }
        });
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
    public synchronized void flush() {
        writeDirty();
        inner.flush();
    }

    @Override
    public synchronized void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeDirty();
        inner.commit(changelogOffsets);
    }

    @Override
    public synchronized void close() {
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

    /** Interactive-query type: every local partition's store behind one {@link WindowSnapshots}. */
    static final QueryableStoreType<WindowSnapshots> QUERY_TYPE = new QueryableStoreType<>() {
        @Override
        public boolean accepts(StateStore store) {
            return store instanceof AggregateWindowStore;
        }

        @Override
        public WindowSnapshots create(StateStoreProvider provider, String storeName) {
            QueryableStoreType<WindowSnapshots> self = this;
            return (from, to) -> provider.stores(storeName, self).stream().flatMap(s -> s.snapshot(from, to).stream()).toList();
        }
    };
}
