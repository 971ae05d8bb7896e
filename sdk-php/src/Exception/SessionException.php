<?php

declare(strict_types=1);

namespace Parley\Exception;

/**
 * The session failed or is closed: every pending call fails with the same exception (SPEC §8.6).
 */
class SessionException extends ParleyException
{
}
