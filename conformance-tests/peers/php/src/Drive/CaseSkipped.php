<?php

declare(strict_types=1);

namespace Parley\Peer\Drive;

/**
 * A pair case that may be skipped here (the message says why).
 */
final class CaseSkipped extends \RuntimeException
{
}
