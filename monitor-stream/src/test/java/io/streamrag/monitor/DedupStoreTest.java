package io.streamrag.monitor;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DedupStoreTest {

    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final long T0 = 1_767_607_200_000L;

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    /** Stands in for the changelog: what was written at commit is what a restarted task gets back. */
    private final WindowStore<Long, byte[]> changelogged = Stores.windowStoreBuilder(
                    Stores.inMemoryWindowStore("dedup", RETENTION.multipliedBy(2), RETENTION, false), Serdes.Long(), Serdes.ByteArray())
            .withLoggingDisabled().build();

    private DedupStore open() {
        DedupStore store = new DedupStore(changelogged, RETENTION);
        return store;
    }

    @AfterEach
    void close() {
        changelogged.close();
    }

    @Test
    void shouldTellADuplicate_byItsEventId() {
        // given
        changelogged.init(context.getStateStoreContext(), changelogged);
        DedupStore store = open();
        String id = UUID.randomUUID().toString();

        // when / then
        assertThat(store.firstSeen(id, T0, T0)).isTrue();
        assertThat(store.firstSeen(id, T0, T0)).isFalse();
        assertThat(store.firstSeen(UUID.randomUUID().toString(), T0, T0)).isTrue();
    }

    @Test
    void shouldTellApartIds_thatAreNotCanonicalUuids() {
        // given
        changelogged.init(context.getStateStoreContext(), changelogged);
        DedupStore store = open();
        String lower = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

        // when / then: upper case, free text and the nil UUID are ids of their own
        assertThat(store.firstSeen(lower, T0, T0)).isTrue();
        assertThat(store.firstSeen(lower.toUpperCase(), T0, T0)).isTrue();
        assertThat(store.firstSeen("order-17/answer", T0, T0)).isTrue();
        assertThat(store.firstSeen("order-17/answer", T0, T0)).isFalse();
        assertThat(store.firstSeen("00000000-0000-0000-0000-000000000000", T0, T0)).isTrue();
        assertThat(store.firstSeen("00000000-0000-0000-0000-000000000000", T0, T0)).isFalse();
        assertThat(store.size()).isEqualTo(4);
    }

    @Test
    void shouldRememberCommittedIds_afterARestart_butNotThoseSeenSinceTheLastCommit() {
        // given: 40,000 ids committed (more than one changelog record), then 10 more not yet committed
        changelogged.init(context.getStateStoreContext(), changelogged);
        DedupStore before = open();
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            String id = UUID.randomUUID().toString();
            committed.add(id);
            before.firstSeen(id, T0 + i, T0 + i);
        }
        before.commit(Map.of());
        List<String> uncommitted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = UUID.randomUUID().toString();
            uncommitted.add(id);
            before.firstSeen(id, T0 + 50_000, T0 + 50_000);
        }

        // when: a crash, and the task comes back with what the changelog holds
        DedupStore after = open();

        // then: reprocessed committed events are duplicates; the uncommitted ones count once more, like their aggregates
        assertThat(records()).isGreaterThan(1);
        assertThat(committed).allMatch(id -> !after.firstSeen(id, T0, T0 + 50_000));
        assertThat(uncommitted).allMatch(id -> after.firstSeen(id, T0 + 50_000, T0 + 50_000));
        assertThat(after.size()).isEqualTo(40_010);
    }

    @Test
    void shouldForgetIds_onceStreamTimeIsARetentionPastThem() {
        // given
        changelogged.init(context.getStateStoreContext(), changelogged);
        DedupStore store = open();
        String old = UUID.randomUUID().toString();
        store.firstSeen(old, T0, T0);

        // when: stream time within the retention, then well past it
        boolean withinRetention = store.firstSeen(old, T0, T0 + RETENTION.toMillis() - 1);
        String recent = UUID.randomUUID().toString();
        store.firstSeen(recent, T0 + 3 * RETENTION.toMillis(), T0 + 3 * RETENTION.toMillis());

        // then: the old id is gone, the recent one still counts as seen
        assertThat(withinRetention).isFalse();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.firstSeen(recent, T0 + 3 * RETENTION.toMillis(), T0 + 3 * RETENTION.toMillis())).isFalse();
        assertThat(store.firstSeen(old, T0 + 3 * RETENTION.toMillis(), T0 + 3 * RETENTION.toMillis())).isTrue();
    }

    private int records() {
        int n = 0;
        try (KeyValueIterator<Windowed<Long>, byte[]> all = changelogged.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<Long>, byte[]> next = all.next();
                assertThat(next.value.length).isLessThanOrEqualTo(16 * DedupStore.BATCH_IDS);
                n++;
            }
        }
        return n;
    }
}
