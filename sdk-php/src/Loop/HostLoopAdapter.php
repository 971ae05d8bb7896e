<?php

declare(strict_types=1);

namespace Parley\Loop;

use Parley\Session\Call;

/**
 * What an adapter implements to run Parley inside another event loop (AMPHP, Revolt, ReactPHP):
 * the host drives Parley's {@see EventLoop}, and a {@see Call} becomes the host's promise.
 *
 * The building blocks an adapter uses, all public:
 * - {@see EventLoop::setHost()} with a {@see HostLoop}: Parley announces each stream it watches
 *   (and withdraws it when cancelled or closed) and asks to be woken for its timers and queued
 *   work; the host calls {@see EventLoop::runReady()} on readiness or wake-up. Nothing polls;
 * - {@see Call::onComplete()} / {@see Call::then()}: completion without polling;
 * - {@see EventLoop::tick()}: `tick(true, $seconds)` for hosts that can only call in periodically;
 * - {@see EventLoop::await()} inside a Fiber the host owns suspends that Fiber (it is resumed by the
 *   host and then steps Parley's loop) instead of blocking the process.
 *
 * The adapter shipped and tested here is {@see AmpV2Adapter} (AMPHP v2, as packaged by Debian).
 * A Revolt adapter follows the same shape: `EventLoop::onReadable()` / `onWritable()` / `defer()` /
 * `delay()` of Revolt behind a {@see HostLoop} (watchers referenced only while calls are pending),
 * and a Revolt `DeferredFuture` completed from {@see Call::onComplete()}. A ReactPHP adapter uses
 * `Loop::addReadStream()`, `addWriteStream()`, `futureTick()`, `addTimer()` and
 * `React\Promise\Deferred` the same way. They are not shipped: neither loop can be installed and
 * tested here.
 */
interface HostLoopAdapter
{
    /** Starts driving Parley's loop from the host loop. */
    public function attach(EventLoop $loop): void;

    /** Stops driving it (watchers the host loop holds for Parley are cancelled). */
    public function detach(): void;

    /**
     * The host loop's promise of the call's result (or failure). While it is pending, the host
     * loop is kept alive and Parley's loop is driven.
     */
    public function promise(Call $call): mixed;
}
