package io.streamrag.query;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RememberedIdsTest {

    private static final long NOW = 1_000_000_000L;
    private static final Duration RETENTION = Duration.ofHours(1);

    private KeyValueStore<String, Long> store;
    private RememberedIds ids;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ids"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        ids = new RememberedIds(store, RETENTION);
    }

    @Test
    void shouldForgetOnlyIdsOlderThanTheRetention_aSliceAtATime() {
        // given: 2,500 ids answered two hours ago, interleaved with 500 answered a minute ago
        for (int i = 0; i < 3_000; i++) {
            ids.remember(String.format("id-%05d", i), i % 6 == 5 ? NOW - 60_000 : NOW - 2 * RETENTION.toMillis());
        }

        // when: one slice, then enough slices to come round to the start again
        int first = ids.forgetSome(NOW);
        int rest = 0;
        for (int i = 0; i < 4; i++) {
            rest += ids.forgetSome(NOW);
        }

        // then: a slice looks at no more than its share of the store; in the end only the recent ids are left
        assertThat(first).isLessThan(2_500).isGreaterThan(0);
        assertThat(first + rest).isEqualTo(2_500);
        assertThat(store.approximateNumEntries()).isEqualTo(500);
        assertThat(ids.contains("id-00005")).isTrue();
        assertThat(ids.contains("id-00004")).isFalse();
    }

    @Test
    void shouldForgetEachIdOnceItsRetentionHasPassed_andNotBefore() {
        // given: "m", then a second later "a", which sorts before it; a first pass over both
        long t0 = NOW;
        ids.remember("m", t0);
        ids.remember("a", t0 + 1_000);
        assertThat(ids.forgetSome(t0 + 10)).isZero();

        // when / then: nothing before "m" expires, then "m" alone, then "a"
        assertThat(ids.forgetSome(t0 + RETENTION.toMillis() - 1)).isZero();
        assertThat(ids.forgetSome(t0 + RETENTION.toMillis() + 1)).isEqualTo(1);
        assertThat(ids.contains("m")).isFalse();
        assertThat(ids.contains("a")).isTrue();
        assertThat(ids.forgetSome(t0 + RETENTION.toMillis() + 500)).isZero();
        assertThat(ids.forgetSome(t0 + RETENTION.toMillis() + 1_001)).isEqualTo(1);
        assertThat(ids.contains("a")).isFalse();
    }
}
