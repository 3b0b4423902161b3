package io.streamrag.monitor;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole picture from interactive queries: this instance's stores plus every other instance's (found through
 * {@link KafkaStreams#streamsMetadataForStore} and reached at their {@code application.server}), merged.
 * Windows are kept per partition, so the same window of a dimension comes from several partitions and
 * instances; merging their sketches gives exact counts and percentiles within the sketch's accuracy.
 */
final class MetricsQuery {

    /** Every window in range, merged per dimension, plus alert states and who answered. */
    record Picture(Map<String, TreeMap<Long, WindowAggregate>> windows, Map<String, String> alertStates,
                   int instances, List<String> problems) {
    }

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    MetricsQuery(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    Picture whole(long fromStart, long toStart) {
        Map<String, TreeMap<Long, WindowAggregate>> windows = new TreeMap<>();
        Map<String, String> alerts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        read(local(fromStart, toStart), windows, alerts);
        int instances = 1;
        Set<HostInfo> others = new LinkedHashSet<>();
        for (String store : List.of(MonitorTopology.WINDOW_STORE, MonitorTopology.ALERT_STORE)) {
            for (StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
                if (!metadata.hostInfo().equals(self)) {
                    others.add(metadata.hostInfo());
                }
            }
        }
        for (HostInfo other : others) {
            URI uri = URI.create("http://" + other.host() + ":" + other.port() + "/api/local?from=" + fromStart + "&to=" + toStart);
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                read(response.body(), windows, alerts);
                instances++;
            } catch (IOException e) {
                problems.add("instance " + other + " did not answer: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add("interrupted while asking " + other);
            }
        }
        return new Picture(windows, alerts, instances, problems);
    }

    /** This instance's windows and alert states, in the binary form instances exchange. */
    byte[] local(long fromStart, long toStart) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            List<WindowSnapshots.Snapshot> snapshots = List.of();
            Map<String, String> alerts = new TreeMap<>();
            try {
                snapshots = streams.store(StoreQueryParameters.fromNameAndType(MonitorTopology.WINDOW_STORE,
                        AggregateWindowStore.QUERY_TYPE)).snapshot(fromStart, toStart);
                ReadOnlyKeyValueStore<String, String> alertStore = streams.store(StoreQueryParameters.fromNameAndType(
                        MonitorTopology.ALERT_STORE, QueryableStoreTypes.keyValueStore()));
                try (KeyValueIterator<String, String> all = alertStore.all()) {
                    while (all.hasNext()) {
                        KeyValue<String, String> next = all.next();
                        alerts.put(next.key, next.value);
                    }
                }
            } catch (InvalidStateStoreException e) {
                // rebalancing or not yet running: this instance has nothing to add right now
            }
            out.writeInt(snapshots.size());
            for (WindowSnapshots.Snapshot s : snapshots) {
                out.writeUTF(s.dimension());
                out.writeLong(s.start());
                out.writeInt(s.aggregate().length);
                out.write(s.aggregate());
            }
            out.writeInt(alerts.size());
            for (Map.Entry<String, String> e : alerts.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void read(byte[] data, Map<String, TreeMap<Long, WindowAggregate>> windows, Map<String, String> alerts) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String dimension = in.readUTF();
                long start = in.readLong();
                byte[] aggregate = in.readNBytes(in.readInt());
                windows.computeIfAbsent(dimension, d -> new TreeMap<>())
                        .merge(start, WindowAggregate.fromBytes(aggregate), WindowAggregate::merge);
            }
            int a = in.readInt();
            for (int i = 0; i < a; i++) {
                alerts.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from another monitor instance", e);
        }
    }
}
