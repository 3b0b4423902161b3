package io.streamrag.query;

import io.streamrag.events.QueryRequested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HandOffTest {

    @Test
    void shouldCarryTheReadTimeTheGuardsFlagsAndTheRequestUnchanged_betweenTheQueryStreamsSteps() {
        // given: a request as the guard passed it, with its flags (one not ASCII)
        QueryRequested request = QueryFixtures.request("r-1", "acme", "휴가는 며칠인가요?");
        HandOff handOff = new HandOff(1_772_445_600_123L, List.of("auth.verified", "pii.redacted:전화"), request);

        // when
        HandOff read = HandOff.decode(handOff.encode());

        // then
        assertThat(read).isEqualTo(handOff);
        assertThat(read.pending(1_772_445_630_123L).flags).containsExactly("auth.verified", "pii.redacted:전화");
    }
}
