package io.parley.cli;

import io.parley.internal.frame.FrameEncoder;
import io.parley.internal.frame.FrameKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * protocol-spec/wireshark/parley.lua, run by tshark on a pcap this test writes: synthetic IPv4/TCP
 * packets carrying the SPEC A.1 golden vector and encoder-made frames, one frame split across two
 * segments. Skipped only when tshark is not installed (the test command installs it).
 */
class WiresharkDissectorTest {
    /** SPEC A.1 (conformance-tests/vectors/frames.json, appendix-a1-request). */
    private static final String A1 = "fa50524c0102000000000001000801000000000401db980f000013886563686f22686922";

    @Test
    void tsharkDecodesFramesIncludingOneSplitAcrossSegments(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("tshark"), "tshark is not installed (apt-get install tshark): the dissector test cannot run");
        FrameEncoder enc = new FrameEncoder();
        byte[] request = FrameDump.unhex(A1);
        byte[] notification = enc.encode(FrameKind.NOTIFICATION, 0, 0, "$/log".getBytes(StandardCharsets.UTF_8), 1, 0,
                "\"hello\"".getBytes(StandardCharsets.UTF_8));
        byte[] response = enc.encode(FrameKind.RESPONSE, 0, 1, new byte[0], 1, 0, "\"hi\"".getBytes(StandardCharsets.UTF_8));
        byte[] request2 = enc.encode(FrameKind.REQUEST, 0x4, 7, FrameEncoder.requestMeta(300, "invoice.total".getBytes(StandardCharsets.UTF_8)),
                1, 0, "{\"lines\":[]}".getBytes(StandardCharsets.UTF_8));

        Pcap pcap = new Pcap();
        // client -> server: A.1 and a notification in one segment
        pcap.tcp(true, concat(request, notification));
        // server -> client: the response
        pcap.tcp(false, response);
        // client -> server: a request split after 10 bytes of its header
        pcap.tcp(true, slice(request2, 0, 10));
        pcap.tcp(true, slice(request2, 10, request2.length));
        Path file = dir.resolve("parley.pcap");
        Files.write(file, pcap.bytes());

        Path lua = Path.of(System.getProperty("parley.repo", "../..")).toAbsolutePath().normalize().resolve("protocol-spec/wireshark/parley.lua");
        Process p = new ProcessBuilder("tshark", "-n", "-X", "lua_script:" + lua, "-r", file.toString(), "-Y", "parley",
                "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number", "-e", "parley.kind", "-e", "parley.id",
                "-e", "parley.method", "-e", "parley.timeout_ms", "-e", "parley.flags.want_progress")
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).as("tshark output:\n%s\nstderr:\n%s", out, stderr).containsExactly(
                // frame.number, kinds (REQUEST 0x02, NOTIFICATION 0x05, RESPONSE 0x03), ids, methods, timeout, WANT_PROGRESS
                "1\t0x02,0x05\t1,0\techo,$/log\t5000\t0,0",
                "2\t0x03\t1\t\t\t0",
                // packet 3 holds only 10 bytes of a header: nothing to show until packet 4 completes it
                "4\t0x02\t7\tinvoice.total\t300\t1");
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] slice(byte[] a, int from, int to) {
        byte[] r = new byte[to - from];
        System.arraycopy(a, from, r, 0, r.length);
        return r;
    }

    /** A classic pcap file (LINKTYPE_RAW: IPv4 packets) of one TCP connection 127.0.0.1:40001 ↔ 127.0.0.1:40002. */
    private static final class Pcap {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long clientSeq = 1000;
        private long serverSeq = 5000;
        private int seconds = 1;
        private final List<byte[]> packets = new ArrayList<>();

        Pcap() {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
            out.writeBytes(h.array());
        }

        void tcp(boolean fromClient, byte[] payload) {
            int sport = fromClient ? 40001 : 40002;
            int dport = fromClient ? 40002 : 40001;
            long seq = fromClient ? clientSeq : serverSeq;
            long ack = fromClient ? serverSeq : clientSeq;
            ByteBuffer ip = ByteBuffer.allocate(20 + 20 + payload.length).order(ByteOrder.BIG_ENDIAN);
            ip.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) packets.size())
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
                    .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
            ip.putShort(10, checksum(ip.array(), 0, 20));
            ip.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt((int) ack)
                    .put((byte) 0x50).put((byte) 0x18).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
            ip.put(payload);
            if (fromClient) clientSeq += payload.length;
            else serverSeq += payload.length;
            byte[] packet = ip.array();
            packets.add(packet);
            ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            rec.putInt(seconds++).putInt(0).putInt(packet.length).putInt(packet.length);
            out.writeBytes(rec.array());
            out.writeBytes(packet);
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private static short checksum(byte[] b, int off, int len) {
            long sum = 0;
            for (int i = off; i < off + len; i += 2) sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
            return (short) ~sum;
        }
    }
}
