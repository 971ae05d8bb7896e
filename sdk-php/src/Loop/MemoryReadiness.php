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

    /**
     * The loop would block and this watcher is all it must wait for: block at most $seconds in ONE
     * call that both waits for the wake-up and takes it (no select() first). Called only after
     * {@see prepareToSleep()} returned false.
     *
     * @return bool|null true when the watcher should be called (a wake-up came, or work is there
     *                   after the time ran out), false when the time ran out, null when this
     *                   readiness cannot block by itself now (the loop selects its stream instead)
     */
    public function sleep(float $seconds): ?bool;
}
