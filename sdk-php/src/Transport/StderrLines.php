<?php

declare(strict_types=1);

namespace Parley\Transport;

use Closure;
use Parley\Loop\EventLoop;

use function array_pop;
use function explode;
use function feof;
use function fread;
use function is_resource;
use function stream_set_blocking;

/**
 * Reads a peer's stderr stream on the loop and hands over each complete line (the last partial
 * line at the end of the stream). The watcher does not keep the loop alive.
 */
final class StderrLines
{
    private string $partial = '';
    private ?int $key = null;

    /**
     * @param resource $stream
     * @param Closure(string): void $onLine
     */
    private function __construct(
        private readonly mixed $stream,
        private readonly EventLoop $loop,
        private readonly Closure $onLine,
    ) {
    }

    /**
     * @param resource $stream
     * @param Closure(string): void $onLine
     */
    public static function watch(mixed $stream, EventLoop $loop, Closure $onLine): void
    {
        $reader = new self($stream, $loop, $onLine);
        stream_set_blocking($stream, false);
        $reader->key = $loop->onReadable($stream, $reader->read(...));
        $loop->unreference($reader->key);
    }

    private function read(): void
    {
        $data = is_resource($this->stream) ? @fread($this->stream, 65536) : false;
        if ($data === false || $data === '') {
            if (!is_resource($this->stream) || feof($this->stream)) {
                if ($this->key !== null) {
                    $this->loop->cancel($this->key);
                    $this->key = null;
                }
                if ($this->partial !== '') {
                    ($this->onLine)($this->partial);
                    $this->partial = '';
                }
            }
            return;
        }
        $lines = explode("\n", $this->partial . $data);
        $this->partial = array_pop($lines);
        foreach ($lines as $line) {
            ($this->onLine)($line);
        }
    }
}
