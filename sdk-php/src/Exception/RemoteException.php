<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * An ERROR the peer sent for a call: its code (application or SPEC §7.2), message and data.
 * Rethrowing it from a handler passes the same code and message on to that handler's caller.
 */
final class RemoteException extends RpcException
{
}
