package io.streamrag.monitor;

import io.streamrag.events.Alert;
import io.streamrag.events.MetricWindow;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.schemas.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The monitor stream.
 * <pre>
 * llmops.telemetry   tenant (String) -> Telemetry (bytes, decoded here)
 *   monitor-aggregate       per partition: decode (undecodable: counted, logged, skipped), drop duplicate event ids
 *                           (monitor-dedup-store), add to the open window of overall / tenant / model / template
 *                           (monitor-window-store: live values for interactive queries); a closed window's
 *                           partial aggregate goes on, then the partition's watermark
 *   monitor-partials-by-dimension   repartition by "dimension=value" (watermarks go to every partition)
 *   monitor-merge           merge the partials of a window (monitor-merged-store); once every source partition's
 *                           watermark (monitor-watermark-store) is past a window's end, emit it once: metric
 *                           windows (tumbling + hopping), drift (monitor-drift-reference-store), alerts
 *                           (monitor-alert-store, monitor-budget-store)
 * llmops.metrics  '&lt;window&gt;/&lt;dimension&gt;=&lt;value&gt;/&lt;start&gt;' -> MetricWindow
 * llmops.alerts   '&lt;ruleId&gt;/&lt;dimension&gt;=&lt;value&gt;' -> Alert (RAISED, CLEARED)
 * </pre>
 * Aggregating before the repartition sends one record per window, partition and dimension through the broker
 * instead of four per event, which is what lets one instance keep up with tens of thousands of events a second.
 */
public final class MonitorTopology {

    public static final String SOURCE = "monitor-telemetry-source";
    public static final String AGGREGATE = "monitor-aggregate";
    public static final String DEDUP_STORE = "monitor-dedup-store";
    public static final String WINDOW_STORE = "monitor-window-store";
    public static final String REPARTITION = "monitor-partials-by-dimension";
    public static final String MERGE = "monitor-merge";
    public static final String MERGED_STORE = "monitor-merged-store";
    public static final String WATERMARK_STORE = "monitor-watermark-store";
    public static final String ALERT_STORE = "monitor-alert-store";
    public static final String REFERENCE_STORE = "monitor-drift-reference-store";
    public static final String BUDGET_STORE = "monitor-budget-store";

    private MonitorTopology() {
    }

    public static Topology build(Topics topics, MonitorSettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        // ids as 128 bits in an in-memory hash table, written to a changelogged store in batches at commit: a lookup
        // and an insert per event must stay cheap; memory grows with the events of one retention period (64-112 bytes each)
        builder.addStateStore(DedupStore.builder(DEDUP_STORE, settings.dedupRetention()));
        builder.addStateStore(AggregateWindowStore.builder(WINDOW_STORE, settings.storeRetention(), settings.window()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REFERENCE_STORE), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUDGET_STORE), Serdes.String(), Serdes.Long()));

        builder.addStateStore(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(MERGED_STORE, settings.storeRetention(),
                settings.window(), false), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE), Serdes.String(), Serdes.Long()));

        KStream<String, SpecificRecord> results = builder
                .stream(topics.telemetry(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new AggregateProcessor(settings), Named.as(AGGREGATE), DEDUP_STORE, WINDOW_STORE)
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(REPARTITION)
                        .withStreamPartitioner(MergeProcessor.PARTITIONER))
                .process(() -> new MergeProcessor(settings), Named.as(MERGE),
                        MERGED_STORE, WATERMARK_STORE, ALERT_STORE, REFERENCE_STORE, BUDGET_STORE);

        results.filter((k, v) -> v instanceof MetricWindow, Named.as("monitor-metric-windows"))
                .mapValues(v -> (MetricWindow) v, Named.as("monitor-as-metric-window"))
                .to(topics.metrics(), Produced.with(Serdes.String(), AvroSerde.of(MetricWindow.class)).withName("monitor-metrics-sink"));
        results.filter((k, v) -> v instanceof Alert, Named.as("monitor-alerts"))
                .mapValues(v -> (Alert) v, Named.as("monitor-as-alert"))
                .to(topics.alerts(), Produced.with(Serdes.String(), AvroSerde.of(Alert.class)).withName("monitor-alerts-sink"));
        return builder.build();
    }
}
