package io.streamrag.query;

import io.streamrag.events.AnswerStatus;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Per-tenant request rate (fixed one-minute windows, "query-tenant-rate": 'tenant@minute' -> requests admitted) and
 * daily token budget ("query-tenant-tokens": 'tenant@day' -> LLM tokens spent), held where the records are keyed
 * by tenant, so each tenant's counts have exactly one owner in the cluster.
 *
 * <p>{@link Admission} reads screened requests (tenant -> {@link HandOff}) and either answers RATE_LIMITED or
 * forwards the request keyed by its request id to the LLM stage. {@link Charge} reads what each answer spent
 * (tenant -> tokens), written by the LLM stage in the same transaction as the answer. Under exactly-once both
 * inputs arrive once per request and every count is written in the transaction that consumes them, so a
 * redelivered record is never counted twice.
 */
final class TenantLimits {

    private TenantLimits() {
    }

    /** Admits a screened request or answers RATE_LIMITED with the reason and the flag {@code rate.limited} / {@code budget.exhausted}. */
    static final class Admission implements Processor<String, byte[], String, Object> {
        private final QueryTopology.Ports ports;
        private final QuerySettings settings;
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, Long> rate;
        private KeyValueStore<String, Long> tokens;
        private Cancellable cleanup;

        Admission(QueryTopology.Ports ports, QuerySettings settings) {
            this.ports = ports;
            this.settings = settings;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.rate = context.getStateStore(QueryTopology.RATE_STORE);
            this.tokens = context.getStateStore(QueryTopology.TOKENS_STORE);
            this.cleanup = context.schedule(Duration.ofMinutes(10), PunctuationType.WALL_CLOCK_TIME, this::forgetOldWindows);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            HandOff handOff = HandOff.decode(record.value());
            String tenant = handOff.request().getTenant();
            // the window is the minute in which the stream read the request, whatever the lag of the repartition
            Optional<String> limited = overLimit(tenant, handOff.receivedAtMs());
            if (limited.isEmpty()) {
                context.forward(record.withKey(handOff.request().getRequestId()));
                return;
            }
            Pending pending = handOff.pending(handOff.receivedAtMs());
            pending.flags.add(limited.get().startsWith("daily") ? "budget.exhausted" : "rate.limited");
            long now = context.currentSystemTimeMs();
            Answered.of(pending, AnswerStatus.RATE_LIMITED, "tenant '" + tenant + "': " + limited.get(), null, now, ports)
                    .forward(context, now);
        }

        private Optional<String> overLimit(String tenant, long now) {
            if (settings.dailyTokens() > 0) {
                Long used = tokens.get(dayKey(tenant, now));
                if (used != null && used >= settings.dailyTokens()) {
                    return Optional.of("daily token budget of " + settings.dailyTokens() + " used up (" + used + " tokens today, UTC)");
                }
            }
            if (settings.requestsPerMinute() > 0) {
                String key = tenant + "@" + (now / 60_000L) * 60_000L;
                Long count = rate.get(key);
                long n = count == null ? 0 : count;
                if (n >= settings.requestsPerMinute()) {
                    return Optional.of("more than " + settings.requestsPerMinute() + " requests in this minute");
                }
                rate.put(key, n + 1);
            }
            return Optional.empty();
        }

        /** Rate windows before the current minute and token days before yesterday are no longer read. */
        private void forgetOldWindows(long now) {
            long minute = (now / 60_000L) * 60_000L;
            deleteWhere(rate, key -> Long.parseLong(key.substring(key.lastIndexOf('@') + 1)) < minute);
            LocalDate yesterday = LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L) - 1);
            deleteWhere(tokens, key -> LocalDate.parse(key.substring(key.lastIndexOf('@') + 1)).isBefore(yesterday));
        }

        @Override
        public void close() {
            cleanup.cancel();
        }
    }

    /** Adds the tokens an answer spent to its tenant's day (the day of the answer). */
    static final class Charge implements Processor<String, Long, Void, Void> {
        private KeyValueStore<String, Long> tokens;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.tokens = context.getStateStore(QueryTopology.TOKENS_STORE);
        }

        @Override
        public void process(Record<String, Long> record) {
            if (record.key() == null || record.value() == null) {
                return;
            }
            String day = dayKey(record.key(), record.timestamp());
            Long used = tokens.get(day);
            tokens.put(day, (used == null ? 0 : used) + record.value());
        }
    }

    private static String dayKey(String tenant, long now) {
        return tenant + "@" + LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L));
    }

    private static void deleteWhere(KeyValueStore<String, Long> store, Predicate<String> old) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> {
                try {
                    if (old.test(kv.key)) {
                        keys.add(kv.key);
                    }
                } catch (RuntimeException unreadable) {
                    keys.add(kv.key);
                }
            });
        }
        keys.forEach(store::delete);
    }
}
