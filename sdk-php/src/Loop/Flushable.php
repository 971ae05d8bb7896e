<?php

declare(strict_types=1);

namespace Parley\Loop;

/**
 * @internal something with buffered output the loop writes out before it waits
 */
interface Flushable
{
    public function flush(): void;
}
