<?php

declare(strict_types=1);

namespace Parley\Loop;

/**
 * The host event loop as Parley's {@see EventLoop} sees it once an adapter hands it over with
 * {@see EventLoop::setHost()}: the host watches Parley's streams itself (no polling interval) and
 * calls {@see EventLoop::runReady()} when one is ready or when Parley asked to be woken.
 *
 * Parley's loop announces every stream watcher when it is registered and withdraws it when it is
 * cancelled (also when its stream was closed under it), so the host never holds a closed stream.
 */
interface HostLoop
{
    /**
     * Watch $stream for reading; when readable, call `runReady($key)`.
     *
     * @param resource $stream
     */
    public function watchReadable(int $key, mixed $stream): void;

    /**
     * Watch $stream for writing; when writable, call `runReady($key)`.
     *
     * @param resource $stream
     */
    public function watchWritable(int $key, mixed $stream): void;

    /** Stop watching the stream of $key. */
    public function unwatch(int $key): void;

    /** Call `runReady()` within $seconds (0.0: as soon as the current callback returns). */
    public function wakeIn(float $seconds): void;
}
