<?php

/**
 * Parley PHP SDK benchmark against the raw PHP floor (/work/shared/floors/php), one after the other
 * in the same run, same sizes. Run pinned for stable numbers:
 *
 *   taskset -c 0 php bench/bench.php [--rounds 3] [--floor /path/to/floors/php]
 *
 * (the children inherit the CPU affinity, so both processes share one vCPU, like the research did).
 * Reports per-call CPU (parent + child, µs), 32-byte round trips per second, notifications per
 * second and 1 MiB echo MiB/s, each with its ratio to the floor.
 */

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';
require __DIR__ . '/Bench.php';

exit(\Parley\Bench\Bench::main());
