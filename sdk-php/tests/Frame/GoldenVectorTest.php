<?php

declare(strict_types=1);

namespace Parley\Tests\Frame;

use Parley\Exception\ErrorCode;
use Parley\Frame\FrameKind;
use Parley\Tests\Support\VectorRunner;
use PHPUnit\Framework\TestCase;

/**
 * Every golden vector of conformance-tests/vectors (format: its README.md), fed whole, one byte at
 * a time, and split in two at every offset: the decoder events, the messages and the first error
 * must be exactly the vector's.
 */
final class GoldenVectorTest extends TestCase
{
    /** @return iterable<string, array{array<string, mixed>}> */
    public static function vectors(): iterable
    {
        $dir = dirname(__DIR__, 3) . '/conformance-tests/vectors';
        $files = glob($dir . '/*.json') ?: [];
        sort($files);
        foreach ($files as $file) {
            if (basename($file) === 'schema.json') {
                continue;
            }
            $data = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
            foreach ($data['vectors'] as $vector) {
                yield basename($file, '.json') . '/' . $vector['name'] => [$vector];
            }
        }
    }

    public function testVectorsExist(): void
    {
        $count = iterator_count(self::vectors());
        self::assertGreaterThan(0, $count, 'no golden vectors found in conformance-tests/vectors');
    }

    /**
     * @dataProvider vectors
     * @param array<string, mixed> $vector
     */
    public function testVector(array $vector): void
    {
        $input = (string) hex2bin($vector['hex']);
        $config = $vector['config'] ?? [];
        $eof = $vector['eof'] ?? true;
        $expected = $this->expected($vector['expect']);

        $splits = ['whole' => [$input]];
        $splits['one byte per read'] = $input === '' ? [] : str_split($input);
        $length = strlen($input);
        // Every two-piece split; for long inputs, every offset in the header region and a sample
        // beyond it keeps the run short without missing a boundary case.
        $step = $length > 4096 ? 97 : 1;
        for ($at = 1; $at < $length; $at += ($at < 64 || $at > $length - 64) ? 1 : $step) {
            $splits["split at $at"] = [substr($input, 0, $at), substr($input, $at)];
        }
        foreach ($splits as $how => $pieces) {
            $actual = VectorRunner::run($pieces, $config, $eof);
            self::assertSame(
                $expected['events'],
                $this->comparableEvents($actual['events'], $expected['events']),
                "{$vector['name']} ($how): decoder events",
            );
            if ($expected['messages'] !== null) {
                self::assertSame($expected['messages'], $actual['messages'], "{$vector['name']} ($how): messages");
            }
            self::assertSame($expected['error'], $actual['error'], "{$vector['name']} ($how): error");
        }
    }

    /**
     * @param array<string, mixed> $expect
     * @return array<string, mixed> events, messages (null when not given) and error
     */
    private function expected(array $expect): array
    {
        $events = [];
        foreach ($expect['events'] as $event) {
            if ($event['type'] === 'stray') {
                $last = count($events) - 1;
                if ($last >= 0 && $events[$last]['type'] === 'stray') {
                    $events[$last]['hex'] .= $event['hex'];
                } else {
                    $events[] = ['type' => 'stray', 'hex' => $event['hex']];
                }
                continue;
            }
            $frame = ['type' => 'frame'];
            foreach (['kind', 'flags', 'id', 'codec', 'compression', 'meta', 'body'] as $field) {
                $frame[$field] = $event[$field];
            }
            if (isset($event['decoded'])) {
                $frame['decoded'] = $event['decoded'];
            }
            $events[] = $frame;
        }
        $messages = null;
        if (array_key_exists('messages', $expect)) {
            $messages = [];
            foreach ($expect['messages'] as $message) {
                $messages[] = [
                    'kind' => $message['kind'],
                    'flags' => $message['flags'],
                    'id' => $message['id'],
                    'codec' => $message['codec'],
                    'compression' => $message['compression'],
                    'meta' => $message['meta'],
                    'body' => $message['body'],
                ];
            }
        }
        $error = null;
        if ($expect['error'] !== null) {
            $code = ErrorCode::from($expect['error']['code']);
            self::assertSame($code->specName(), $expect['error']['name'], 'the vector names its code consistently');
            $error = [
                'stage' => $expect['error']['stage'],
                'code' => $expect['error']['code'],
                'fatal' => $expect['error']['fatal'],
            ];
        }
        return ['events' => $events, 'messages' => $messages, 'error' => $error];
    }

    /**
     * Our events in the vector's shape: `decoded` (the meaning of meta and body) is added where the
     * vector states it, computed from our frame.
     *
     * @param list<array<string, mixed>> $actual
     * @param list<array<string, mixed>> $expected
     * @return list<array<string, mixed>>
     */
    private function comparableEvents(array $actual, array $expected): array
    {
        foreach ($actual as $i => $event) {
            if ($event['type'] !== 'frame' || !isset($expected[$i]['decoded'])) {
                continue;
            }
            $meta = (string) hex2bin($event['meta']);
            $body = (string) hex2bin($event['body']);
            $decoded = [];
            foreach (array_keys($expected[$i]['decoded']) as $key) {
                $decoded[$key] = match ($key) {
                    'timeout_ms' => strlen($meta) >= 4 ? unpack('N', $meta)[1] : null,
                    'method' => $event['kind'] === FrameKind::REQUEST ? substr($meta, 4) : $meta,
                    'json' => json_decode($body, true),
                    default => null,
                };
            }
            $actual[$i]['decoded'] = $decoded;
        }
        return $actual;
    }
}
