package io.streamrag.monitor;

import io.streamrag.events.Telemetry;
import io.streamrag.platform.ops.LogContext;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Per partition: decode telemetry, drop duplicates by event id, add each event to the open window of every
 * dimension it belongs to, and send each window's partial aggregate on once the window has closed (its end
 * plus grace is behind this partition's stream time), followed by a watermark saying how far this partition
 * is final. Event time is the telemetry header's timestamp.
 * An undecodable record is counted and logged, then skipped: telemetry is derived from answer and ingest
 * events that keep the original, and one bad record must not stop the monitor.
 */
final class AggregateProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(AggregateProcessor.class);
    private static final AvroSerde<Telemetry> SERDE = AvroSerde.of(Telemetry.class);

    private static final long DEDUP_SLOT_MS = 60_000;

    private final MonitorSettings settings;
    private final long windowMs;
    private final long graceMs;
    private final long dedupMs;
    private ProcessorContext<String, byte[]> context;
    private WindowStore<String, Long> seen;
    private AggregateWindowStore windows;
    private long streamTime = Long.MIN_VALUE;
    private long nextClose = Long.MIN_VALUE;
    private long undecodable;
    private int partition;
    private long lastRecordWallClock;

    AggregateProcessor(MonitorSettings settings) {
        this.settings = settings;
        this.windowMs = settings.window().toMillis();
        this.graceMs = settings.grace().toMillis();
        this.dedupMs = settings.dedupRetention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(MonitorTopology.DEDUP_STORE);
        this.windows = context.getStateStore(MonitorTopology.WINDOW_STORE);
        this.partition = context.taskId().partition();
        this.lastRecordWallClock = System.currentTimeMillis();
        long idleMs = settings.idleTimeout().toMillis();
        // an idle partition must not hold back final windows forever: once it has been silent for the idle
        // timeout, it reports itself caught up to the wall clock (minus the timeout and the grace)
        context.schedule(Duration.ofMillis(Math.max(1000, idleMs / 4)), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (now - lastRecordWallClock >= idleMs) {
                long idleWatermark = now - idleMs - graceMs;
                if (idleWatermark > streamTime) {
                    streamTime = idleWatermark + graceMs;
                    closeDueWindows();
                }
            }
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        lastRecordWallClock = System.currentTimeMillis();
        Telemetry telemetry;
        try {
            telemetry = SERDE.decode(record.value());
            if (telemetry == null) {
                throw new SerializationException("empty value");
            }
        } catch (SerializationException e) {
            undecodable++;
            settings.observer().undecodable(e.getMessage());
            if (Long.bitCount(undecodable) == 1) { // 1st, 2nd, 4th, 8th...: visible without flooding the log
                LOG.warn("skipped undecodable telemetry ({} so far), partition {} offset {}: {}", undecodable,
                        context.recordMetadata().map(m -> m.partition()).orElse(-1),
                        context.recordMetadata().map(m -> m.offset()).orElse(-1L), e.getMessage());
            }
            return;
        }
        try (LogContext.Scope ids = LogContext.open(telemetry.getSubjectId(), telemetry.getHeader().getCorrelationId(),
                telemetry.getTenant())) {
            aggregate(telemetry);
        }
    }

    /** Counts one decoded event into the open windows of each of its dimensions, once per event id. */
    private void aggregate(Telemetry telemetry) {
        long time = telemetry.getHeader().getTimestamp().toEpochMilli();
        String eventId = telemetry.getHeader().getEventId();
        // ids are filed under their minute, not their exact time: a lookup then visits a few dozen time slots
        // instead of one per distinct timestamp in the retention period
        long slot = time - Math.floorMod(time, DEDUP_SLOT_MS);
        try (WindowStoreIterator<Long> earlier = seen.fetch(eventId, slot - dedupMs, slot + dedupMs)) {
            if (earlier.hasNext()) {
                settings.observer().duplicate();
                return;
            }
        }
        seen.put(eventId, time, slot);

        long start = time - Math.floorMod(time, windowMs);
        if (streamTime != Long.MIN_VALUE && start + windowMs + graceMs <= streamTime) {
            settings.observer().late();
            return;
        }
        List<DimensionKey> keys = DimensionKey.of(telemetry);
        for (DimensionKey key : keys) {
            WindowAggregate aggregate = windows.openWindow(key.toString(), start);
            if (aggregate == null) { // closed before a restart
                settings.observer().late();
                return;
            }
            aggregate.add(telemetry, settings.errorStatuses());
        }
        settings.observer().counted(telemetry);
        if (nextClose == Long.MIN_VALUE) {
            nextClose = start + windowMs + graceMs;
        }
        if (time > streamTime) {
            streamTime = time;
            if (streamTime >= nextClose) {
                closeDueWindows();
            }
        }
    }

    private void closeDueWindows() {
        long earliestOpenClose = Long.MAX_VALUE;
        // oldest first: the merge must not see a later window before an earlier one, or it drops the earlier as late
        List<AggregateWindowStore.WindowKey> due = windows.openWindows();
        due.sort(java.util.Comparator.comparingLong(AggregateWindowStore.WindowKey::start));
        for (AggregateWindowStore.WindowKey key : due) {
            long closesAt = key.start() + windowMs + graceMs;
            if (closesAt <= streamTime) {
                byte[] partial = windows.close(key);
                context.forward(new Record<>(key.dimension(), partial, key.start()));
            } else {
                earliestOpenClose = Math.min(earliestOpenClose, closesAt);
            }
        }
        nextClose = earliestOpenClose;
        // every window ending at or before this is final here: tell every merge partition
        long watermark = streamTime - graceMs;
        context.forward(new Record<>(MergeProcessor.WATERMARK_KEY, MergeProcessor.watermark(partition, watermark), watermark));
    }
}
