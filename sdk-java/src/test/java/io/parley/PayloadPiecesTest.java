package io.parley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.codec.RawCodec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Payload} of pieces: the pieces are kept as given, joined only by {@link Payload#bytes()}, once. */
class PayloadPiecesTest {
    @Test
    void piecesAreKeptAsGivenAndJoinedOnceOnDemand() throws Exception {
        byte[] a = {1, 2, 3};
        byte[] empty = {};
        byte[] b = {4, 5};
        List<byte[]> given = new ArrayList<>(List.of(a, empty, b));
        Payload p = Payload.ofPieces(given);
        given.clear(); // the payload keeps its own list
        assertThat(p.codec()).isSameAs(RawCodec.INSTANCE);
        assertThat(p.isPieces()).isTrue();
        assertThat(p.size()).isEqualTo(5);
        assertThat(p.pieces()).hasSize(3);
        assertThat(p.pieces().get(0)).isSameAs(a);
        assertThat(p.pieces().get(2)).isSameAs(b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.writeTo(out);
        assertThat(out.toByteArray()).containsExactly(1, 2, 3, 4, 5);
        assertThat(p.isPieces()).as("writeTo joins nothing").isTrue();

        byte[] joined = p.bytes();
        assertThat(joined).containsExactly(1, 2, 3, 4, 5);
        assertThat(p.bytes()).isSameAs(joined);
        assertThat(p.isPieces()).isFalse();
        assertThat(p.pieces()).containsExactly(joined);
        assertThatThrownBy(() -> p.pieces().add(a)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aContiguousPayloadIsOnePiece() {
        byte[] a = {9};
        Payload p = Payload.raw(a);
        assertThat(p.isPieces()).isFalse();
        assertThat(p.pieces()).containsExactly(a);
        assertThat(p.pieces().get(0)).isSameAs(a);
        assertThat(p.size()).isEqualTo(1);
        assertThat(Payload.raw(new byte[0]).pieces()).isEmpty();
        assertThat(Payload.ofPieces(List.of()).as(byte[].class)).isNull();
    }

    @Test
    void aNullPieceIsRefused() {
        List<byte[]> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> Payload.ofPieces(withNull)).isInstanceOf(NullPointerException.class).hasMessageContaining("piece");
    }
}
