<?php

declare(strict_types=1);

namespace Parley\Loop;

/**
 * Readiness the kernel cannot see: records a peer committed to shared memory (the ring, SPEC §9.4).
 *
 * A read watcher registered with one ({@see EventLoop::onReadable()}) is called when its stream is
 * readable (a doorbell byte, the peer's end) OR when {@see hasWork()} says so. Before the loop
 * blocks it spins for at most {@see spinNanos()} on hasWork(), then calls {@see prepareToSleep()}:
 * announce – full fence – re-check. Either the re-check sees the records, or the producer sees the
 * announcement and rings the stream, so no wake-up is lost by design.
 */
interface MemoryReadiness
{
    /** Whether the watcher has something to do now (cheap: memory loads, no system call). */
    public function hasWork(): bool;

    /** How long the loop may spin on {@see hasWork()} before it announces sleep (0: never spin). */
    public function spinNanos(): int;

    /**
     * The loop is about to block: announce that the reader sleeps, issue a full fence, re-check.
     *
     * @return bool true when work turned up in the re-check (the loop does not block)
     */
    public function prepareToSleep(): bool;
}
