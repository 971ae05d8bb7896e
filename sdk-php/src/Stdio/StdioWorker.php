<?php

declare(strict_types=1);

namespace Parley\Stdio;

use FFI;
use Parley\Loop\EventLoop;
use Parley\Process\ParentWatch;
use Parley\Transport\Role;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\StreamTransport;

use function sprintf;
use function strlen;

/**
 * The child side of a stdio session (SPEC §9.1): frames on stdin/stdout, nothing else on stdout.
 *
 * - PHP errors are displayed on stderr (display_errors=stderr), never on stdout.
 * - Output the application prints (echo, print, var_dump, printf) is captured by an output buffer
 *   and forwarded to the parent as `$/log` notifications (source "stdout"), or to stderr before
 *   the handshake.
 * - When FFI is available, the frame stream moves to a private duplicate of fd 1 and fd 1 itself
 *   is pointed at stderr, so even fwrite(STDOUT, ...), system() and extensions writing to fd 1
 *   cannot corrupt a frame.
 * - End of stdin (the parent is gone or closed the session) ends {@see Session::run()}.
 * - The worker and its own children die with the parent, even mid-handler ({@see ParentWatch}).
 */
final class StdioWorker
{
    private static bool $started = false;

    public static function open(
        SessionOptions $options,
        EventLoop $loop,
        bool $captureOutput = true,
        bool $hardenStdout = true,
    ): Session {
        if (self::$started) {
            throw new \LogicException('the stdio session of this process is already open');
        }
        self::$started = true;
        ParentWatch::start();
        ini_set('display_errors', 'stderr');
        ini_set('html_errors', '0');
        if ((string) ini_get('error_log') === '') {
            // The CLI would log each error to stderr a second time.
            ini_set('log_errors', '0');
        }
        $output = ($hardenStdout ? self::privateStdout() : null) ?? STDOUT;
        $transport = new StreamTransport(
            STDIN,
            $output,
            sprintf('parent of pid %d (stdio)', getmypid()),
            true,
        );
        $session = new Session($transport, Role::Acceptor, $options, $loop, 0.0);
        if ($captureOutput) {
            self::captureOutput($session);
        }
        register_shutdown_function(self::finishAtScriptEnd(...), $session);
        return $session;
    }

    /**
     * A script-style worker (no {@see Session::run()}: it sends, then its script ends) loses
     * nothing: at the end of the script the handshake is completed, queued messages are sent and
     * the session is closed with GOODBYE, bounded by the handshake and drain timeouts. When that
     * fails the loss is reported on stderr, never silent.
     */
    private static function finishAtScriptEnd(Session $session): void
    {
        if ($session->isClosed() || $session->stats()['in_flight'] > 0) {
            // Closed already, or exit() inside a handler: that is a crash, not the end of a script.
            return;
        }
        try {
            $session->close('the worker script ended');
        } catch (\Throwable $e) {
            @fwrite(STDERR, sprintf(
                "parley: closing the session at the end of the script failed: %s\n",
                $e->getMessage(),
            ));
            return;
        }
        $reason = $session->closeReason();
        if ($reason !== null) {
            @fwrite(STDERR, sprintf(
                "parley: the session ended without a clean close at the end of the script; messages still"
                . " queued were lost: %s\n",
                $reason->getMessage(),
            ));
        }
    }

    /** Moves the frame stream to a duplicate of fd 1 and points fd 1 at stderr. */
    private static function privateStdout(): mixed
    {
        if (!extension_loaded('ffi') || PHP_OS_FAMILY !== 'Linux') {
            return null;
        }
        try {
            $libc = FFI::cdef('int dup(int oldfd); int dup2(int oldfd, int newfd); int close(int fd);', 'libc.so.6');
        } catch (\Throwable) {
            return null;
        }
        fflush(STDOUT);
        $fd = $libc->dup(1);
        if ($fd < 0) {
            return null;
        }
        $stream = @fopen("php://fd/$fd", 'wb');
        $libc->close($fd);
        if ($stream === false) {
            return null;
        }
        if ($libc->dup2(2, 1) < 0) {
            fclose($stream);
            return null;
        }
        return $stream;
    }

    private static function captureOutput(Session $session): void
    {
        $pending = '';
        $scheduled = false;
        $emit = static function (string $text) use ($session): void {
            $message = str_ends_with($text, "\n") ? substr($text, 0, -1) : $text;
            try {
                if ($session->isOpen() && $session->sendLog('info', $message, 'stdout')) {
                    return;
                }
            } catch (\Throwable) {
                // Fall back to stderr below.
            }
            @fwrite(STDERR, $text);
        };
        ob_start(static function (string $buffer, int $phase) use ($session, $emit, &$pending, &$scheduled): string {
            $pending .= $buffer;
            if ($pending === '') {
                return '';
            }
            if (($phase & PHP_OUTPUT_HANDLER_FINAL) !== 0 || strlen($pending) >= 65536) {
                $text = $pending;
                $pending = '';
                $emit($text);
                return '';
            }
            // Output of one handler step (print "a"; print "b\n") becomes one log entry: send what
            // accumulated once the loop gets control back.
            if (!$scheduled) {
                $scheduled = true;
                $session->loop()->defer(static function () use ($emit, &$pending, &$scheduled): void {
                    $scheduled = false;
                    $text = $pending;
                    $pending = '';
                    if ($text !== '') {
                        $emit($text);
                    }
                });
            }
            return '';
        }, 1);
    }
}
