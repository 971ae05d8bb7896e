package io.parley.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.text(Duration.ofMillis(300))).isEqualTo("300 ms");
        assertThat(Durations.text(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(Durations.text(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(Durations.text(Duration.ofSeconds(150))).isEqualTo("2 min 30 s");
        assertThat(Durations.text(Duration.ofMinutes(5))).isEqualTo("5 min");
        assertThat(Durations.text(Duration.ofHours(1).plusMinutes(1))).isEqualTo("1 h 1 min");
        assertThat(Durations.text(Duration.ofNanos(1_250_000))).isEqualTo("1.25 ms");
        assertThat(Durations.text(Duration.ofNanos(500))).isEqualTo("0.5 µs");
        assertThat(Durations.text(Duration.ZERO)).isEqualTo("0 µs");
        assertThat(Durations.text((Duration) null)).isEqualTo("none");
    }
}
