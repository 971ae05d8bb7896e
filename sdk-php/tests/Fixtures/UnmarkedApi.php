<?php

declare(strict_types=1);

namespace Parley\Tests\Fixtures;

use Parley\Attribute\Request;

/** An interface a proxy refuses: one of its methods is not marked. */
interface UnmarkedApi
{
    #[Request]
    public function marked(): string;

    public function unmarked(): string;
}
