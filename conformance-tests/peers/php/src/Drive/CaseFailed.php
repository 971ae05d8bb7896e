<?php

declare(strict_types=1);

namespace Parley\Peer\Drive;

/**
 * A pair case did not get what it expected; the message is the report's detail.
 */
final class CaseFailed extends \RuntimeException
{
}
