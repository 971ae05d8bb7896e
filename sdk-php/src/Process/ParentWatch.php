<?php

declare(strict_types=1);

namespace Parley\Process;

use Closure;
use FFI;

use function function_exists;
use function sprintf;

/**
 * Keeps a worker and its own children from outliving the worker's parent (SPEC §9.1, "No
 * orphans"): when the parent dies, however abruptly (SIGKILL included), the worker and every
 * process it started are killed within a fraction of a second, even while a handler spins in a
 * CPU loop or blocks in sleep(), a query or any other system call.
 *
 * Two mechanisms, each used when this PHP build allows it (the one in effect is logged once):
 *
 * - **pdeathsig** (ext-ffi, Linux): `prctl(PR_SET_PDEATHSIG, SIGKILL)`, so the kernel kills the
 *   worker the moment its parent goes. Checked against the race (the parent died before the
 *   call): the parent pid is read before and after. Catch: the kernel watches the parent *thread*
 *   that created the worker, so a multi-threaded parent must launch workers from a thread that
 *   lives as long as they do (the Java SDK's ChildProcessTransport does: commons-exec launches
 *   each child from its own thread, which waits for that child's exit). Not inherited by the
 *   worker's children.
 * - **watchdog** (ext-pcntl + ext-posix): the worker leads its own process group (unless its stdin
 *   is a terminal) and forks a small watchdog process that holds no descriptor of the worker's.
 *   Every 100 ms it checks that the worker is alive and still has its original parent (Linux:
 *   /proc/<worker>/stat; elsewhere: the parent pid still exists); when either is not the case it
 *   sends SIGKILL to the whole process group, that is the worker, the worker's own children and
 *   itself. This also covers a worker that exits normally but leaves children behind, and it
 *   works without FFI. It does not rely on threads, so it has no catch with multi-threaded parents.
 *
 * With neither, the worker only notices the parent's death at the end of its stdin, when its
 * event loop runs (a blocking or CPU-bound handler delays that); a warning says so.
 *
 * Children the worker starts with Ipc::spawn() run their own ParentWatch (they lead their own
 * group), so a chain of workers unwinds from the top.
 */
final class ParentWatch
{
    private const PR_SET_PDEATHSIG = 1;
    private const SIGKILL = 9;
    private const POLL_MICROSECONDS = 100_000;

    private static ?string $active = null;

    private function __construct()
    {
    }

    /**
     * Arms the watch for this process (once; later calls return the first description). Returns a
     * one-line description of the mechanisms in effect, which is also passed to $log.
     *
     * @param Closure(string): void|null $log receives that line (default: written to stderr)
     */
    public static function start(?Closure $log = null): string
    {
        if (self::$active !== null) {
            return self::$active;
        }
        $parent = self::parentPid();
        $mechanisms = [];
        $notes = [];
        $pdeathsig = self::armDeathSignal($parent, $notes);
        if ($pdeathsig) {
            $mechanisms[] = 'pdeathsig (SIGKILL)';
        }
        $watchdog = self::startWatchdog($parent, $notes);
        if ($watchdog !== null) {
            $mechanisms[] = $watchdog;
        }
        $line = $mechanisms === []
            ? sprintf(
                'parley: worker pid %d: WARNING no parent watch (%s); the worker notices its parent\'s'
                . ' death only at the end of stdin, after a blocking or CPU-bound handler returns.'
                . ' Enable ext-pcntl and ext-posix (or ext-ffi) to have it killed at once.',
                getmypid(),
                implode('; ', $notes),
            )
            : sprintf(
                'parley: worker pid %d: parent watch on parent pid %d: %s',
                getmypid(),
                $parent,
                implode(' + ', $mechanisms),
            ) . ($notes === [] ? '' : ' (' . implode('; ', $notes) . ')');
        self::$active = $line;
        if ($log !== null) {
            $log($line);
        } else {
            @fwrite(STDERR, $line . "\n");
        }
        return $line;
    }

    /** The description start() returned, or null before it ran. */
    public static function active(): ?string
    {
        return self::$active;
    }

    private static function parentPid(): int
    {
        if (function_exists('posix_getppid')) {
            return posix_getppid();
        }
        $libc = self::libc('int getppid(void);');
        return $libc === null ? 0 : (int) $libc->getppid();
    }

    /** @param list<string> $notes */
    private static function armDeathSignal(int $parent, array &$notes): bool
    {
        if (PHP_OS_FAMILY !== 'Linux') {
            $notes[] = 'pdeathsig: Linux only';
            return false;
        }
        $libc = self::libc(
            'int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);'
            . ' int getppid(void);',
        );
        if ($libc === null) {
            $notes[] = 'pdeathsig: FFI unavailable';
            return false;
        }
        if ($libc->prctl(self::PR_SET_PDEATHSIG, self::SIGKILL, 0, 0, 0) !== 0) {
            $notes[] = 'pdeathsig: prctl failed';
            return false;
        }
        if ((int) $libc->getppid() !== $parent) {
            // The parent died before the signal was armed: nobody will send it.
            $message = sprintf("parley: worker pid %d: parent %d died during start-up; exiting\n", getmypid(), $parent);
            @fwrite(STDERR, $message);
            self::killSelf();
        }
        return true;
    }

    /** @param list<string> $notes */
    private static function startWatchdog(int $parent, array &$notes): ?string
    {
        if (!function_exists('pcntl_fork') || !function_exists('posix_setpgid') || !function_exists('posix_kill')) {
            $notes[] = 'watchdog: needs ext-pcntl and ext-posix';
            return null;
        }
        $worker = getmypid();
        $group = self::leadOwnGroup($worker);
        $pid = @pcntl_fork();
        if ($pid < 0) {
            $notes[] = 'watchdog: fork failed';
            return null;
        }
        if ($pid === 0) {
            self::watch($worker, $parent, $group);
        }
        return $group === null
            ? sprintf('watchdog pid %d (no own process group: the worker\'s children are not covered)', $pid)
            : sprintf('watchdog pid %d on process group %d', $pid, $group);
    }

    /** Makes this process the leader of its own group; null when it cannot or should not. */
    private static function leadOwnGroup(int $worker): ?int
    {
        if (posix_getpgid($worker) === $worker) {
            return $worker;
        }
        // A terminal's job control stops a background group that reads it: stay in the foreground.
        if (function_exists('posix_isatty') && @posix_isatty(STDIN)) {
            return null;
        }
        return @posix_setpgid(0, 0) ? $worker : null;
    }

    /** The watchdog's body (in the forked process); never returns. */
    private static function watch(int $worker, int $parent, ?int $group): never
    {
        self::closeDescriptors();
        if (function_exists('cli_set_process_title')) {
            @cli_set_process_title(sprintf('parley-watchdog %d', $worker));
        }
        if (function_exists('pcntl_signal')) {
            // The parent's Ctrl-C or a TERM meant for the worker's group must not end the watch.
            @pcntl_signal(SIGINT, SIG_IGN);
            @pcntl_signal(SIGHUP, SIG_IGN);
        }
        while (posix_getppid() === $worker && self::hasParent($worker, $parent)) {
            usleep(self::POLL_MICROSECONDS);
        }
        if ($group !== null) {
            posix_kill(-$group, self::SIGKILL);
        } elseif (posix_getppid() === $worker) {
            posix_kill($worker, self::SIGKILL);
        }
        self::killSelf();
    }

    /** Whether $worker's parent is still $parent (Linux: /proc; elsewhere: $parent exists). */
    private static function hasParent(int $worker, int $parent): bool
    {
        $stat = @file_get_contents("/proc/$worker/stat");
        if ($stat !== false) {
            $close = strrpos($stat, ')');
            $fields = explode(' ', substr($stat, $close === false ? 0 : $close + 2));
            return isset($fields[1]) && (int) $fields[1] === $parent;
        }
        if (PHP_OS_FAMILY === 'Linux') {
            return false;
        }
        return posix_kill($parent, 0) || posix_get_last_error() !== 3; // ESRCH: no such process
    }

    /** The watchdog keeps none of the worker's pipes, so it never delays their end-of-file. */
    private static function closeDescriptors(): void
    {
        $libc = self::libc('int close(int fd);');
        $fds = $libc === null ? false : @scandir('/proc/self/fd');
        if ($libc !== null && $fds !== false) {
            foreach ($fds as $fd) {
                if (ctype_digit($fd)) {
                    $libc->close((int) $fd);
                }
            }
            return;
        }
        @fclose(STDIN);
        @fclose(STDOUT);
        @fclose(STDERR);
    }

    private static function killSelf(): never
    {
        if (function_exists('posix_kill')) {
            posix_kill(getmypid(), self::SIGKILL);
        }
        exit(1);
    }

    private static function libc(string $declarations): ?FFI
    {
        if (!extension_loaded('ffi') || PHP_OS_FAMILY !== 'Linux') {
            return null;
        }
        try {
            return FFI::cdef($declarations, 'libc.so.6');
        } catch (\Throwable) {
            return null;
        }
    }
}
