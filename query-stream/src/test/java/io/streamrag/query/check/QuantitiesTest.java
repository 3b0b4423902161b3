package io.streamrag.query.check;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuantitiesTest {

    private static List<Double> values(String text) {
        return Quantities.extract(text).stream().map(Quantities.Quantity::value).toList();
    }

    @Test
    void shouldReadTheSameValueFromEverySpelling() {
        assertThat(values("1,000")).containsExactly(1000.0);
        assertThat(values("1000")).containsExactly(1000.0);
        assertThat(values("천")).isEmpty(); // a bare scale word without digits is not a number
        assertThat(values("1천")).containsExactly(1000.0);
        assertThat(values("1억 2천만 원")).containsExactly(120_000_000.0);
        assertThat(values("4만 9천 원")).containsExactly(49_000.0);
        assertThat(values("1.5 million")).containsExactly(1_500_000.0);
    }

    @Test
    void shouldNormaliseUnitsWithinAClass_soParaphrasesMatchAndWrongUnitsDoNot() {
        // given
        Quantities.Quantity minutes = Quantities.extract("90 minutes").getFirst();
        Quantities.Quantity hours = Quantities.extract("1.5 hours").getFirst();
        Quantities.Quantity weeks = Quantities.extract("30 weeks").getFirst();
        Quantities.Quantity days = Quantities.extract("30일").getFirst();

        // then
        assertThat(minutes.value()).isEqualTo(hours.value());
        assertThat(weeks.unit()).isEqualTo(days.unit());
        assertThat(weeks.value()).isNotEqualTo(days.value());
        assertThat(weeks.raw()).isEqualTo(days.raw());
    }

    @Test
    void shouldReadCurrencySymbolsPercentagesAndNumberWords() {
        assertThat(Quantities.extract("$49").getFirst().unit()).isEqualTo("USD");
        assertThat(Quantities.extract("20퍼센트").getFirst().unit()).isEqualTo(Quantities.extract("20%").getFirst().unit());
        assertThat(values("three days")).containsExactly(3.0 * 86_400);
        assertThat(values("세 가지")).containsExactly(3.0);
    }
}
