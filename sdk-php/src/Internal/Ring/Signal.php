<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

use Parley\Exception\TransportException;

/**
 * A level-triggered wake-up for the event loop: a private socket pair whose read end is readable
 * while the signal is raised. The ring transport raises it for a writer waiting for room when a
 * SPACE doorbell arrives (the rare path; readers wait on the doorbell socket itself, SPEC §9.4).
 */
final class Signal
{
    private bool $raised = false;
    /** @var resource */
    private mixed $reader;
    /** @var resource */
    private mixed $writer;

    public function __construct()
    {
        $pair = @stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        if ($pair === false) {
            throw new TransportException('cannot create a socket pair for the ring transport');
        }
        [$this->reader, $this->writer] = $pair;
        stream_set_blocking($this->reader, false);
        stream_set_blocking($this->writer, false);
    }

    /** @return resource readable while raised */
    public function stream(): mixed
    {
        return $this->reader;
    }

    public function raise(): void
    {
        if (!$this->raised) {
            $this->raised = true;
            @fwrite($this->writer, "\x01");
        }
    }

    public function clear(): void
    {
        if ($this->raised) {
            $this->raised = false;
            @fread($this->reader, 64);
        }
    }

    public function isRaised(): bool
    {
        return $this->raised;
    }
}
