package io.elector.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.api.StaleTokenException;
import org.junit.jupiter.api.Test;

class InMemoryFencedRegisterTest {
    @Test
    void aStaleTokenIsRefusedAndChangesNothing() {
        InMemoryFencedRegister<String> r = new InMemoryFencedRegister<>("row");
        r.guard(1).set("a");
        r.guard(1).set("a2");
        r.guard(3).set("c");
        assertThatThrownBy(() -> r.guard(2).set("stale"))
                .isInstanceOf(StaleTokenException.class)
                .hasMessageContaining("stale fencing token 2")
                .hasMessageContaining("token 3 has already written");
        assertThat(r.value()).contains("c");
        assertThat(r.highestToken()).isEqualTo(3);
        assertThat(r.acceptedTokens()).containsExactly(1L, 1L, 3L);
    }
}
