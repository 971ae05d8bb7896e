<?php

declare(strict_types=1);

namespace Parley\Transport;

use Parley\Exception\PeerGoneException;

/**
 * An ordered, reliable byte stream between two peers (SPEC §9). The session only moves bytes
 * through this interface: a pipe pair, a socket, or a shared-memory ring with a socket for
 * wake-ups all plug in here.
 *
 * Contract: read() and write() never block, except read() on a transport whose
 * {@see canBlockOnRead()} is true, which the loop calls only when nothing else is pending.
 */
interface Transport
{
    /** @return resource the stream whose readability means read() has something (data or end) */
    public function readStream(): mixed;

    /** @return resource the stream whose writability means write() can make progress */
    public function writeStream(): mixed;

    /** Whether read() may be called without readiness and then waits for data (pipes in blocking mode). */
    public function canBlockOnRead(): bool;

    /** Available bytes; '' when there are none right now; null at end of stream. */
    public function read(): ?string;

    /**
     * Writes what the transport accepts now without blocking.
     *
     * @return int bytes accepted (0 when it would block)
     * @throws PeerGoneException when the peer can no longer receive (broken pipe, reset)
     */
    public function write(string $bytes): int;

    /**
     * Ends our direction (the peer reads end of stream) after a completed GOODBYE exchange.
     *
     * @return bool whether the peer's direction can still be read until its end
     */
    public function shutdownOutput(): bool;

    /** Releases the transport. For a child process, starts the exit/terminate sequence (§9.1). */
    public function close(): void;

    /** True when everything is released (for a child process: it has exited). */
    public function isFinished(): bool;

    /** Why the peer is gone: the reason plus what the transport knows (exit status, stderr tail). */
    public function peerGone(string $reason): PeerGoneException;

    /** For logs and error messages. */
    public function description(): string;
}
