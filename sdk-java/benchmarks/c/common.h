/* Copied from the Parley limit study (research material shared with the project as limits/common.h),
 * unchanged but for this note; used by the benchmark command's C ping-pong floor (CFloor.java). */
/* Shared helpers for the IPC limit benchmarks (timing, pinning, stats, full I/O). */
#ifndef LIMITS_COMMON_H
#define LIMITS_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* cpu < 0 means "leave affinity alone". */
static inline void pin_to(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        perror("sched_setaffinity");
        exit(2);
    }
}

static inline void die(const char *what)
{
    perror(what);
    exit(2);
}

static inline void read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            die("read");
        }
        if (r == 0) {
            fprintf(stderr, "unexpected EOF\n");
            exit(2);
        }
        p += r;
        n -= (size_t)r;
    }
}

static inline void write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die("write");
        }
        p += w;
        n -= (size_t)w;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Prints one machine-readable line: name, median/p99/... round-trip in microseconds,
 * and round trips per second computed from the total elapsed time. */
static inline void report_rtt(const char *name, uint64_t *rtt_ns, size_t n, uint64_t total_ns)
{
    qsort(rtt_ns, n, sizeof *rtt_ns, cmp_u64);
    double us = 1e-3;
    printf("RESULT %-28s n=%zu min_us=%.3f p50_us=%.3f p90_us=%.3f p99_us=%.3f p999_us=%.3f "
           "max_us=%.1f mean_us=%.3f rt_per_s=%.0f\n",
           name, n, rtt_ns[0] * us, rtt_ns[n / 2] * us, rtt_ns[(size_t)(n * 0.90)] * us,
           rtt_ns[(size_t)(n * 0.99)] * us, rtt_ns[(size_t)(n * 0.999)] * us, rtt_ns[n - 1] * us,
           (double)total_ns / n * us, (double)n * 1e9 / (double)total_ns);
    fflush(stdout);
}

static inline int parse_cpu(const char *s)
{
    return (s == NULL || strcmp(s, "-") == 0) ? -1 : atoi(s);
}

#endif
