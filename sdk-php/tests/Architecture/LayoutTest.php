<?php

declare(strict_types=1);

namespace Parley\Tests\Architecture;

use Parley\Exception\CancelledException;
use Parley\Exception\DeadlineExceededException;
use Parley\Exception\HeartbeatTimeoutException;
use Parley\Exception\MessageTooLargeException;
use Parley\Exception\OverloadedException;
use Parley\Exception\ParleyException;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Exception\RemoteException;
use Parley\Exception\SessionClosedException;
use Parley\Exception\ShuttingDownException;
use Parley\Exception\TransportException;
use Parley\Session\Call;
use Parley\Session\RequestContext;
use PHPUnit\Framework\TestCase;
use RecursiveDirectoryIterator;
use RecursiveIteratorIterator;

/**
 * The structure the SDK promises (sdk-php/README.md, "Layout" and "Errors"), checked on the sources:
 * file sizes, which part may import which, where the header is packed, the exception tree, and
 * that the public call objects expose no mutable state.
 */
final class LayoutTest extends TestCase
{
    private const SRC = __DIR__ . '/../../src';

    /** Lower layers first; a file may import its own layer and the ones before it (plus shared kinds). */
    private const LAYERS = ['Frame', 'Internal/Io', 'Internal/Call', 'Internal/Session'];

    public function testNoSourceFileIsLongerThan600Lines(): void
    {
        foreach (self::sources() as $path => $source) {
            self::assertLessThanOrEqual(600, substr_count($source, "\n"), "$path is over 600 lines");
        }
    }

    public function testNoLayerImportsAHigherOne(): void
    {
        $namespaces = [
            'Frame' => 'Parley\\Frame\\',
            'Internal/Io' => 'Parley\\Internal\\Io\\',
            'Internal/Call' => 'Parley\\Internal\\Call\\',
            'Internal/Session' => 'Parley\\Internal\\Session\\',
        ];
        $checked = 0;
        foreach (self::sources() as $path => $source) {
            $layer = null;
            foreach (self::LAYERS as $index => $name) {
                if (str_starts_with($path, $name . '/')) {
                    $layer = $index;
                }
            }
            if ($layer === null) {
                continue;
            }
            preg_match_all('/^use (Parley\\\\[A-Za-z\\\\]+);/m', $source, $uses);
            foreach ($uses[1] as $import) {
                foreach (array_slice(self::LAYERS, $layer + 1) as $higher) {
                    self::assertStringStartsNotWith($namespaces[$higher], $import, "$path imports $import");
                }
                if ($layer < 2) {
                    // The frame and io layers know nothing of the session's public classes either.
                    self::assertStringStartsNotWith('Parley\\Session\\', $import, "$path imports $import");
                }
            }
            $checked++;
        }
        self::assertGreaterThan(15, $checked);
    }

    public function testNoInternalCodeNamesThePublicSessionFacade(): void
    {
        // The facade builds its parts, and they reach it only through HandlerHost: no Session <-> Internal cycle.
        $checked = 0;
        foreach (self::sources() as $path => $source) {
            if (!str_starts_with($path, 'Internal/')) {
                continue;
            }
            $code = (string) preg_replace('~/\*.*?\*/|//[^\n]*~s', '', $source);
            $facade = '/\bParley\\\\Session\\\\Session\b/';
            self::assertDoesNotMatchRegularExpression($facade, $code, "$path names the Session");
            $checked++;
        }
        self::assertGreaterThan(15, $checked);
    }

    public function testTheCorrelationTablesDoNotImportTheLifecycle(): void
    {
        foreach (['Internal/Call/Outbound.php', 'Internal/Call/Inbound.php'] as $file) {
            $source = (string) file_get_contents(self::SRC . '/' . $file);
            self::assertStringNotContainsString('Parley\\Internal\\Session\\', $source, $file);
            self::assertStringContainsString('SessionGate $gate', $source, $file);
            self::assertStringNotContainsString('use Parley\\Session\\Call;', $source, $file);
        }
    }

    public function testTheFrameHeaderIsPackedInOnePlace(): void
    {
        $packers = [];
        foreach (self::sources() as $path => $source) {
            if (preg_match_all('/\bpack\(\s*FrameDescriptor::PACK_WORDS/', $source) > 0) {
                $packers[] = $path;
            }
            self::assertDoesNotMatchRegularExpression("/pack\\(\\s*'N5'/", $source, $path);
        }
        self::assertSame(['Frame/FrameEncoder.php'], $packers);
        self::assertSame(
            1,
            substr_count((string) file_get_contents(self::SRC . '/Frame/FrameEncoder.php'), 'pack(' . "\n"),
        );
    }

    public function testNoPublicClassExtendsOrImplementsAnInternalType(): void
    {
        // Internal capabilities stay internal: a public transport implements only the public SPI.
        $checked = 0;
        $leaks = [];
        foreach (self::sources() as $path => $source) {
            $class = 'Parley\\' . str_replace('/', '\\', substr($path, 0, -4));
            if (str_starts_with($path, 'Internal/') || !self::declaresType($source, basename($path, '.php'))) {
                continue;
            }
            $reflection = new \ReflectionClass($class);
            $parent = $reflection->getParentClass();
            $supertypes = array_merge($parent === false ? [] : [$parent->getName()], $reflection->getInterfaceNames());
            foreach ($supertypes as $supertype) {
                if (str_starts_with($supertype, 'Parley\\Internal\\')) {
                    $leaks[] = "$class extends or implements $supertype";
                }
            }
            $checked++;
        }
        self::assertSame([], $leaks);
        self::assertGreaterThan(50, $checked);
    }

    /** @return iterable<string, array{class-string, class-string}> */
    public static function exceptionTree(): iterable
    {
        yield 'remote' => [RemoteException::class, ParleyException::class];
        yield 'cancelled' => [CancelledException::class, ParleyException::class];
        yield 'deadline' => [DeadlineExceededException::class, ParleyException::class];
        yield 'overloaded' => [OverloadedException::class, ParleyException::class];
        yield 'too large' => [MessageTooLargeException::class, ParleyException::class];
        yield 'codec' => [\Parley\Codec\CodecException::class, ParleyException::class];
        yield 'transport' => [TransportException::class, ParleyException::class];
        yield 'closed' => [SessionClosedException::class, ParleyException::class];
        yield 'shutting down' => [ShuttingDownException::class, SessionClosedException::class];
        yield 'protocol' => [ProtocolException::class, SessionClosedException::class];
        yield 'peer gone' => [PeerGoneException::class, SessionClosedException::class];
        yield 'heartbeat' => [HeartbeatTimeoutException::class, PeerGoneException::class];
    }

    /**
     * @dataProvider exceptionTree
     * @param class-string $class
     * @param class-string $parent
     */
    public function testTheExceptionTreeMatchesTheReadme(string $class, string $parent): void
    {
        self::assertSame($parent, get_parent_class($class));
    }

    public function testCallAndRequestContextExposeNoMutableState(): void
    {
        foreach ([Call::class, RequestContext::class] as $class) {
            $properties = (new \ReflectionClass($class))->getProperties(\ReflectionProperty::IS_PUBLIC);
            foreach ($properties as $property) {
                self::assertTrue($property->isReadOnly(), "$class::\${$property->getName()} is public and mutable");
            }
        }
    }

    /** Whether $source declares the class, interface, trait or enum $name (not a script such as autoload.php). */
    private static function declaresType(string $source, string $name): bool
    {
        $declaration = '/^(?:(?:final|abstract|readonly)\\s+)*(?:class|interface|trait|enum)\\s+' . $name . '\\b/m';
        return preg_match($declaration, $source) === 1;
    }

    /** @return array<string, string> path below src/ => source */
    private static function sources(): array
    {
        $sources = [];
        $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(self::SRC));
        foreach ($files as $file) {
            if ($file->isFile() && $file->getExtension() === 'php') {
                $path = substr($file->getPathname(), strlen(self::SRC) + 1);
                $sources[$path] = (string) file_get_contents($file->getPathname());
            }
        }
        ksort($sources);
        return $sources;
    }
}
