<?php

declare(strict_types=1);

namespace Parley\Tools\Drive;

/**
 * A pair case that may be skipped here (the message says why).
 */
final class CaseSkipped extends \RuntimeException
{
}
