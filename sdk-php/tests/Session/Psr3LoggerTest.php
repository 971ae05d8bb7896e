<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Session\SessionOptions;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

/**
 * SessionOptions(logger:) takes any PSR-3 logger as well as a closure (issue 13 point 5), without
 * the SDK depending on psr/log. Uses Debian's php-psr-log (scripts/env.sh installs it with phpunit).
 */
final class Psr3LoggerTest extends TestCase
{
    private const PSR_LOG = '/usr/share/php/Psr/Log/autoload.php';

    private ?SessionPair $pair = null;

    protected function tearDown(): void
    {
        $this->pair?->dispose();
        $this->pair = null;
    }

    public function testAPsr3LoggerReceivesTheSessionLog(): void
    {
        if (!interface_exists('Psr\Log\LoggerInterface')) {
            if (!is_file(self::PSR_LOG)) {
                self::markTestSkipped(
                    'php-psr-log is not installed (apt-get install php-psr-log): the PSR-3 logger test needs it',
                );
            }
            require_once self::PSR_LOG;
        }
        $logger = new class extends \Psr\Log\AbstractLogger {
            /** @var list<array{mixed, string}> */
            public array $records = [];

            public function log($level, $message, array $context = []): void
            {
                $this->records[] = [$level, (string) $message];
            }
        };
        $this->pair = new SessionPair(null, new SessionOptions(logger: $logger));
        $this->pair->client->handle('noop', static fn (): null => null);
        $this->pair->server->call('noop')->await();
        self::assertTrue($this->pair->client->sendLog('warning', 'disk almost full', 'test'));
        $this->pair->server->call('noop')->await();
        $matching = array_filter(
            $logger->records,
            static fn (array $r): bool => str_contains($r[1], 'disk almost full'),
        );
        self::assertCount(1, $matching, 'records: ' . json_encode($logger->records));
        self::assertSame('warning', array_values($matching)[0][0]);
    }

    public function testAnObjectThatIsNoLoggerIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage(
            'logger must be a Closure(string $level, string $message) or a PSR-3 LoggerInterface',
        );
        new SessionOptions(logger: new \ArrayObject());
    }

    public function testWithoutPsrLogAnyObjectWithLogIsAccepted(): void
    {
        // a fresh PHP process without psr/log loaded: the duck-typed path
        $code = 'require ' . var_export(dirname(__DIR__, 2) . '/src/autoload.php', true) . ';'
            . '$l = new class { public array $r = []; public function log($level, $m) { $this->r[] = "$level:$m"; } };'
            . '$o = new Parley\Session\SessionOptions(logger: $l);'
            . '(new Parley\Internal\Log($o->logger))->log("info", "hi");'
            . 'echo interface_exists("Psr\\\\Log\\\\LoggerInterface", false) ? "psr loaded" : implode(",", $l->r);';
        $out = shell_exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg($code) . ' 2>&1');
        self::assertSame('info:hi', $out);
    }
}
