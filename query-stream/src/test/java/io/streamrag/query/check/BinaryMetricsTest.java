package io.streamrag.query.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BinaryMetricsTest {

    @Test
    void shouldComputePrecisionRecallF1AccuracyAndFalsePositiveRate() {
        // given: 3 positives (2 caught), 5 negatives (1 false alarm)
        BinaryMetrics m = BinaryMetrics.empty()
                .add(true, true).add(true, true).add(true, false)
                .add(false, true).add(false, false).add(false, false).add(false, false).add(false, false);

        // then
        assertThat(m.n()).isEqualTo(8);
        assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(m.recall()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(m.f1()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(m.accuracy()).isCloseTo(6 / 8.0, within(1e-9));
        assertThat(m.falsePositiveRate()).isCloseTo(1 / 5.0, within(1e-9));
    }

    @Test
    void shouldReportZero_notPerfect_whenASliceIsEmpty() {
        // given
        BinaryMetrics onlyNegatives = BinaryMetrics.empty().add(false, false);

        // then
        assertThat(onlyNegatives.precision()).isZero();
        assertThat(onlyNegatives.recall()).isZero();
        assertThat(onlyNegatives.f1()).isZero();
        assertThat(onlyNegatives.accuracy()).isEqualTo(1.0);
    }
}
