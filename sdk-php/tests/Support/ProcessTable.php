<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

/**
 * Reads the process table from /proc (Linux): descendants of a process, and whether a pid is
 * still running (a zombie, dead but not yet reaped, counts as gone).
 */
final class ProcessTable
{
    /** @return list<int> every live descendant of $pid (children, grandchildren, ...) */
    public static function descendants(int $pid): array
    {
        $parents = [];
        foreach (glob('/proc/[0-9]*/stat') ?: [] as $file) {
            $stat = self::stat((int) basename(dirname($file)));
            if ($stat !== null && $stat['state'] !== 'Z') {
                $parents[(int) basename(dirname($file))] = $stat['ppid'];
            }
        }
        $found = [];
        $frontier = [$pid];
        while ($frontier !== []) {
            $next = [];
            foreach ($parents as $child => $parent) {
                if (in_array($parent, $frontier, true) && !in_array($child, $found, true)) {
                    $found[] = $child;
                    $next[] = $child;
                }
            }
            $frontier = $next;
        }
        return $found;
    }

    public static function isRunning(int $pid): bool
    {
        $stat = self::stat($pid);
        return $stat !== null && $stat['state'] !== 'Z' && $stat['state'] !== 'X';
    }

    /**
     * Polls until none of $pids runs or $timeout seconds passed.
     *
     * @param list<int> $pids
     * @return list<int> the pids still running
     */
    public static function awaitGone(array $pids, float $timeout): array
    {
        $deadline = microtime(true) + $timeout;
        do {
            $running = array_values(array_filter($pids, self::isRunning(...)));
            if ($running === []) {
                return [];
            }
            usleep(10_000);
        } while (microtime(true) < $deadline);
        return $running;
    }

    /** @return array{state: string, ppid: int}|null */
    private static function stat(int $pid): ?array
    {
        $stat = @file_get_contents("/proc/$pid/stat");
        if ($stat === false) {
            return null;
        }
        $close = strrpos($stat, ')');
        $fields = explode(' ', substr($stat, $close === false ? 0 : $close + 2));
        return ['state' => $fields[0], 'ppid' => (int) ($fields[1] ?? 0)];
    }
}
