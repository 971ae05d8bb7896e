<?php

declare(strict_types=1);

namespace Parley\Stdio;

use Parley\Loop\EventLoop;
use Parley\Process\ParentWatch;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\Role;
use Parley\Transport\SocketConnector;

/**
 * The child side of a pool worker launched with a socket transport (SPEC §9.2, §9.3): the Java
 * pool listens privately (a 0600 Unix socket or loopback TCP) and starts the worker with
 * `PARLEY_ADDRESS`, `PARLEY_TOKEN` and `PARLEY_PEER_NAME` in its environment. The worker dials that
 * address, presents the token and the peer name (by which the pool recognises the child it
 * launched), and runs without heartbeats, like a stdio worker (§8.4): the pool watches the
 * process. The variables are removed from the environment so the worker's own children do not
 * dial the pool. {@see ParentWatch} keeps the worker from outliving its parent.
 */
final class PoolDialIn
{
    public const ENV_ADDRESS = 'PARLEY_ADDRESS';
    public const ENV_TOKEN = 'PARLEY_TOKEN';
    public const ENV_PEER_NAME = 'PARLEY_PEER_NAME';

    private function __construct()
    {
    }

    /** The dialled-in session when the environment names a pool address, else null (use stdio). */
    public static function fromEnvironment(SessionOptions $options, EventLoop $loop): ?Session
    {
        $address = getenv(self::ENV_ADDRESS);
        if (!is_string($address) || $address === '') {
            return null;
        }
        $token = getenv(self::ENV_TOKEN);
        $peer = getenv(self::ENV_PEER_NAME);
        foreach ([self::ENV_ADDRESS, self::ENV_TOKEN, self::ENV_PEER_NAME] as $name) {
            putenv($name);
        }
        ParentWatch::start();
        ini_set('display_errors', 'stderr');
        ini_set('html_errors', '0');
        $changes = [];
        if (is_string($token) && $token !== '') {
            $changes['token'] = $token;
        }
        if (is_string($peer) && $peer !== '') {
            $changes['peerName'] = $peer;
        }
        if ($changes !== []) {
            $options = $options->with(...$changes);
        }
        $transport = SocketConnector::connect($address, $options->handshakeTimeout);
        return new Session($transport, Role::Initiator, $options, $loop, 0.0);
    }
}
