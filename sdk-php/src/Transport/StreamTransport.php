<?php

declare(strict_types=1);

namespace Parley\Transport;

use Parley\Exception\PeerGoneException;

use function feof;
use function fread;
use function fwrite;
use function is_resource;
use function sprintf;
use function strlen;

/**
 * A transport over PHP streams: one stream to read and one to write (a pipe pair, stdio), or the
 * same stream for both (a socket).
 *
 * Reads on a pipe stay in blocking mode and are only called on readiness, or by the loop when the
 * pipe is the only thing to wait for (see EventLoop); writes are always non-blocking so that two
 * peers writing large messages to each other at once cannot deadlock.
 */
class StreamTransport implements Transport
{
    private const READ_CHUNK = 65536;

    private bool $readClosed = false;
    private bool $writeClosed = false;
    private readonly bool $blockingRead;
    private readonly bool $sameStream;

    /**
     * @param resource $input
     * @param resource $output
     * @param bool $blockingRead keep $input blocking and let the loop block on it (pipes only)
     */
    public function __construct(
        private readonly mixed $input,
        private readonly mixed $output,
        private readonly string $description,
        bool $blockingRead = false,
        private readonly int $readChunk = self::READ_CHUNK,
    ) {
        $this->sameStream = $input === $output;
        $this->blockingRead = $blockingRead && !$this->sameStream;
        stream_set_read_buffer($input, 0);
        stream_set_write_buffer($output, 0);
        if (!$this->blockingRead) {
            stream_set_blocking($input, false);
        }
        stream_set_blocking($output, false);
    }

    public function readStream(): mixed
    {
        return $this->input;
    }

    public function writeStream(): mixed
    {
        return $this->output;
    }

    public function canBlockOnRead(): bool
    {
        return $this->blockingRead;
    }

    public function read(): ?string
    {
        if ($this->readClosed) {
            return null;
        }
        $data = @fread($this->input, $this->readChunk);
        if ($data === false || $data === '') {
            if (!is_resource($this->input) || feof($this->input)) {
                return null;
            }
            return '';
        }
        if (!$this->blockingRead) {
            // TLS and other buffered layers can hold decoded data that select() does not see:
            // drain what is there now.
            while (strlen($data) < 4 * $this->readChunk) {
                $more = @fread($this->input, $this->readChunk);
                if ($more === false || $more === '') {
                    break;
                }
                $data .= $more;
            }
        }
        return $data;
    }

    public function write(string $bytes): int
    {
        if ($this->writeClosed || !is_resource($this->output)) {
            throw new PeerGoneException(sprintf('%s: the stream is closed for writing', $this->description));
        }
        // A full non-blocking pipe or socket gives 0; false is a real error (EPIPE, reset).
        $written = @fwrite($this->output, $bytes);
        if ($written === false) {
            $error = error_get_last()['message'] ?? null;
            throw $this->peerGone('writing failed' . ($error !== null ? ": $error" : ''));
        }
        return $written;
    }

    public function shutdownOutput(): bool
    {
        if ($this->writeClosed) {
            return !$this->readClosed;
        }
        $this->writeClosed = true;
        if ($this->sameStream) {
            if (is_resource($this->output) && !$this->isTls()) {
                @stream_socket_shutdown($this->output, STREAM_SHUT_WR);
                return true;
            }
            // TLS has no half-close: both directions end here.
            $this->close();
            return false;
        }
        if (is_resource($this->output)) {
            @fclose($this->output);
        }
        return !$this->readClosed;
    }

    public function close(): void
    {
        $this->readClosed = true;
        $this->writeClosed = true;
        if (is_resource($this->input)) {
            @fclose($this->input);
        }
        if (!$this->sameStream && is_resource($this->output)) {
            @fclose($this->output);
        }
    }

    public function isFinished(): bool
    {
        return $this->readClosed && $this->writeClosed;
    }

    public function peerGone(string $reason): PeerGoneException
    {
        return new PeerGoneException(sprintf('%s: %s', $this->description, $reason));
    }

    public function description(): string
    {
        return $this->description;
    }

    private function isTls(): bool
    {
        $meta = @stream_get_meta_data($this->output);
        return isset($meta['crypto']);
    }
}
