<?php

declare(strict_types=1);

namespace Parley\Loop;

use Parley\Exception\TransportException;

use function count;

/**
 * The default poller on Linux with FFI: stream_select() while few streams are watched (the
 * small-call path pays nothing extra), {@see EpollPoller} from {@see self::SWITCH_AT} streams on, or
 * as soon as select() meets a descriptor beyond FD_SETSIZE (issue 12 fault 1). The switch is one
 * way and moves every registration.
 */
final class AdaptivePoller implements Poller
{
    public const SWITCH_AT = 256;

    private Poller $active;
    private bool $switched = false;
    /** @var array<int, resource> */
    private array $read = [];
    /** @var array<int, resource> */
    private array $write = [];

    public function __construct()
    {
        $this->active = new StreamSelectPoller();
    }

    /** Whether epoll has taken over. */
    public function usesEpoll(): bool
    {
        return $this->active instanceof EpollPoller;
    }

    public function addRead(int $key, mixed $stream): void
    {
        $this->read[$key] = $stream;
        $this->active->addRead($key, $stream);
        $this->switchWhenLarge();
    }

    public function removeRead(int $key): void
    {
        unset($this->read[$key]);
        $this->active->removeRead($key);
    }

    public function addWrite(int $key, mixed $stream): void
    {
        $this->write[$key] = $stream;
        $this->active->addWrite($key, $stream);
        $this->switchWhenLarge();
    }

    public function removeWrite(int $key): void
    {
        unset($this->write[$key]);
        $this->active->removeWrite($key);
    }

    public function isEmpty(): bool
    {
        return $this->active->isEmpty();
    }

    public function wait(?float $timeout): array
    {
        try {
            return $this->active->wait($timeout);
        } catch (TransportException $e) {
            if ($this->switched || !$this->switchToEpoll()) {
                throw $e;
            }
            return $this->active->wait($timeout);
        }
    }

    private function switchWhenLarge(): void
    {
        if (!$this->switched && count($this->read) + count($this->write) >= self::SWITCH_AT) {
            $this->switchToEpoll();
        }
    }

    private function switchToEpoll(): bool
    {
        $this->switched = true;
        $epoll = EpollPoller::create();
        if ($epoll === null) {
            return false;
        }
        foreach ($this->read as $key => $stream) {
            $epoll->addRead($key, $stream);
        }
        foreach ($this->write as $key => $stream) {
            $epoll->addWrite($key, $stream);
        }
        $this->active = $epoll;
        return true;
    }
}
