package io.streamrag.platform.cache;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedMemoTest {

    @Test
    void shouldComputeEachKeyOnce_whileItIsRemembered() {
        // given
        AtomicInteger calls = new AtomicInteger();
        BoundedMemo<String, Integer> memo = new BoundedMemo<>(100, s -> {
            calls.incrementAndGet();
            return s.length();
        });

        // when
        int first = memo.get("hello");
        int second = memo.get("hello");

        // then
        assertThat(first).isEqualTo(5);
        assertThat(second).isEqualTo(5);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldStayWithinItsCapacity_andKeepRecentlyUsedKeys() {
        // given
        AtomicInteger calls = new AtomicInteger();
        BoundedMemo<Integer, Integer> memo = new BoundedMemo<>(10, k -> {
            calls.incrementAndGet();
            return k * 2;
        });

        // when: key 0 is used again and again while 1,000 other keys pass through
        for (int k = 1; k <= 1000; k++) {
            memo.get(0);
            memo.get(k);
        }

        // then
        assertThat(memo.size()).isLessThanOrEqualTo(12);
        int before = calls.get();
        assertThat(memo.get(0)).isZero();
        assertThat(calls.get()).as("the hot key is still remembered").isEqualTo(before);
    }

    @Test
    void shouldComputeEveryTime_whenCapacityIsZero() {
        // given
        AtomicInteger calls = new AtomicInteger();
        BoundedMemo<String, String> memo = new BoundedMemo<>(0, s -> {
            calls.incrementAndGet();
            return s;
        });

        // when
        memo.get("a");
        memo.get("a");

        // then
        assertThat(calls).hasValue(2);
        assertThat(memo.size()).isZero();
        assertThatThrownBy(() -> new BoundedMemo<String, String>(-1, s -> s)).isInstanceOf(IllegalArgumentException.class);
    }
}
