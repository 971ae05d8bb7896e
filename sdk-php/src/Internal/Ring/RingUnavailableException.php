<?php

declare(strict_types=1);

namespace Parley\Internal\Ring;

/** The shared-memory ring cannot be used in this process (SPEC §9.4: the peer declines it). */
final class RingUnavailableException extends \RuntimeException
{
}
