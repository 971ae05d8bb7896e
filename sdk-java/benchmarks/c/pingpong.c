/* Copied from the Parley limit study (research material shared with the project as limits/pingpong.c),
 * unchanged but for this note. The benchmark command (io.parley.benchmarks.CFloor) compiles it at run
 * time with the system C compiler, when there is one, and runs it as the C floor of the round-trip rows. */
/* Round-trip latency of fixed-size messages between two processes over
 * pipe | unix (AF_UNIX SOCK_STREAM socketpair) | tcp (127.0.0.1, TCP_NODELAY).
 *
 * usage: pingpong MODE [msg_bytes=64] [round_trips=200000] [parent_cpu|-] [child_cpu|-]
 * Parent sends msg_bytes, child echoes them back; every round trip is timed.
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static void set_nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        die("TCP_NODELAY");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s pipe|unix|tcp [bytes] [rts] [pcpu] [ccpu]\n", argv[0]);
        return 1;
    }
    const char *mode = argv[1];
    size_t msg = argc > 2 ? (size_t)atol(argv[2]) : 64;
    size_t rts = argc > 3 ? (size_t)atol(argv[3]) : 200000;
    int pcpu = parse_cpu(argc > 4 ? argv[4] : NULL);
    int ccpu = parse_cpu(argc > 5 ? argv[5] : NULL);
    size_t warm = rts / 10 + 1000;

    int p_rd, p_wr, c_rd, c_wr; /* parent read/write fds, child read/write fds */
    int listener = -1;
    struct sockaddr_in addr;
    if (strcmp(mode, "pipe") == 0) {
        int a[2], b[2];
        if (pipe(a) || pipe(b))
            die("pipe");
        c_rd = a[0]; p_wr = a[1]; /* parent -> child */
        p_rd = b[0]; c_wr = b[1]; /* child -> parent */
    } else if (strcmp(mode, "unix") == 0) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
            die("socketpair");
        p_rd = p_wr = sv[0];
        c_rd = c_wr = sv[1];
    } else if (strcmp(mode, "tcp") == 0) {
        listener = socket(AF_INET, SOCK_STREAM, 0);
        memset(&addr, 0, sizeof addr);
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (bind(listener, (struct sockaddr *)&addr, sizeof addr) || listen(listener, 1))
            die("bind/listen");
        socklen_t len = sizeof addr;
        getsockname(listener, (struct sockaddr *)&addr, &len);
        p_rd = p_wr = c_rd = c_wr = -1;
    } else {
        fprintf(stderr, "bad mode\n");
        return 1;
    }

    char *buf = calloc(1, msg);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) { /* child: echo */
        pin_to(ccpu);
        if (listener >= 0) {
            close(listener);
            int s = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(s, (struct sockaddr *)&addr, sizeof addr))
                die("connect");
            set_nodelay(s);
            c_rd = c_wr = s;
        }
        for (size_t i = 0; i < warm + rts; i++) {
            read_full(c_rd, buf, msg);
            write_full(c_wr, buf, msg);
        }
        _exit(0);
    }
    pin_to(pcpu);
    if (listener >= 0) {
        int s = accept(listener, NULL, NULL);
        if (s < 0)
            die("accept");
        set_nodelay(s);
        p_rd = p_wr = s;
    }
    uint64_t *rtt = malloc(rts * sizeof *rtt);
    for (size_t i = 0; i < warm; i++) {
        write_full(p_wr, buf, msg);
        read_full(p_rd, buf, msg);
    }
    uint64_t t0 = now_ns(), prev = t0;
    for (size_t i = 0; i < rts; i++) {
        buf[0] = (char)i;
        write_full(p_wr, buf, msg);
        read_full(p_rd, buf, msg);
        uint64_t t = now_ns();
        rtt[i] = t - prev;
        prev = t;
    }
    uint64_t total = now_ns() - t0;
    waitpid(pid, NULL, 0);
    char name[64];
    snprintf(name, sizeof name, "%s/%zuB/p%d-c%d", mode, msg, pcpu, ccpu);
    report_rtt(name, rtt, rts, total);
    return 0;
}
