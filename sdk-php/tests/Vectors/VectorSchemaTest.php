<?php

declare(strict_types=1);

namespace Parley\Tests\Vectors;

use InvalidArgumentException;
use Parley\Tests\Support\JsonSchemaSubset;
use PHPUnit\Framework\TestCase;
use RuntimeException;
use stdClass;

/**
 * Checks the golden vector files in conformance-tests/vectors/ against their JSON Schema
 * (draft 2020-12, through the JsonSchemaSubset validator) and against invariants that span files
 * and the SPEC. It does not decode any vector: the SDK's own tests run the decoder against them.
 */
final class VectorSchemaTest extends TestCase
{
    private const MIN_VECTORS = 80;

    private static ?string $dir = null;
    /** @var array<string, stdClass>|null file name => decoded file */
    private static ?array $files = null;
    private static ?JsonSchemaSubset $schema = null;

    private static function dir(): string
    {
        if (self::$dir === null) {
            foreach ([__DIR__, (string) getcwd()] as $start) {
                for ($d = $start; $d !== dirname($d); $d = dirname($d)) {
                    if (is_file("$d/conformance-tests/vectors/schema.json")) {
                        return self::$dir = "$d/conformance-tests/vectors";
                    }
                }
            }
            throw new RuntimeException('no conformance-tests/vectors/schema.json above ' . __DIR__);
        }
        return self::$dir;
    }

    private static function specPath(): string
    {
        return dirname(self::dir(), 2) . '/protocol-spec/SPEC.md';
    }

    /** @return array<string, stdClass> */
    private static function files(): array
    {
        if (self::$files === null) {
            $paths = glob(self::dir() . '/*.json') ?: [];
            sort($paths);
            self::$files = [];
            foreach ($paths as $path) {
                if (basename($path) === 'schema.json') {
                    continue;
                }
                $decoded = json_decode((string) file_get_contents($path), false, 512, JSON_THROW_ON_ERROR);
                if (!$decoded instanceof stdClass) {
                    throw new RuntimeException("$path is not a JSON object");
                }
                self::$files[basename($path)] = $decoded;
            }
        }
        return self::$files;
    }

    private static function schema(): JsonSchemaSubset
    {
        return self::$schema ??= JsonSchemaSubset::fromFile(self::dir() . '/schema.json');
    }

    /** @return list<stdClass> */
    private static function vectors(): array
    {
        $all = [];
        foreach (self::files() as $file) {
            foreach ($file->vectors ?? [] as $v) {
                $all[] = $v;
            }
        }
        return $all;
    }

    private static function copy(mixed $json): mixed
    {
        return json_decode(json_encode($json, JSON_THROW_ON_ERROR), false, 512, JSON_THROW_ON_ERROR);
    }

    // -------------------------------------------------------------------------------------------
    // Each file against the schema; the schema rejects broken vectors
    // -------------------------------------------------------------------------------------------

    /** @return iterable<string, array{string}> */
    public static function vectorFiles(): iterable
    {
        foreach (array_keys(self::files()) as $name) {
            yield $name => [$name];
        }
    }

    /** @dataProvider vectorFiles */
    public function testFileMatchesTheSchema(string $file): void
    {
        $errors = self::schema()->validate(self::files()[$file]);
        $this->assertSame([], array_slice($errors, 0, 20), "$file violates schema.json");
    }

    public function testThereAreVectorFiles(): void
    {
        $this->assertNotEmpty(self::files(), 'no *.json vector files in ' . self::dir());
    }

    /** @return iterable<string, array{callable(stdClass): void}> */
    public static function mutations(): iterable
    {
        yield 'upper-case hex' => [static function (stdClass $v): void {
            $v->hex = strtoupper($v->hex) . 'AB';
        }];
        yield 'odd-length hex' => [static function (stdClass $v): void {
            $v->hex .= 'a';
        }];
        yield 'missing expect' => [static function (stdClass $v): void {
            unset($v->expect);
        }];
        yield 'missing section' => [static function (stdClass $v): void {
            unset($v->section);
        }];
        yield 'unknown member' => [static function (stdClass $v): void {
            $v->comment = 'x';
        }];
        yield 'name not kebab-case' => [static function (stdClass $v): void {
            $v->name = 'Not_Kebab';
        }];
        yield 'section not a number' => [static function (stdClass $v): void {
            $v->section = '§3';
        }];
        yield 'eof not a boolean' => [static function (stdClass $v): void {
            $v->eof = 'yes';
        }];
        yield 'unknown stage' => [static function (stdClass $v): void {
            $v->expect->error = (object) [
                'stage' => 'wire', 'code' => -33000, 'name' => 'PROTOCOL_ERROR', 'fatal' => true,
            ];
        }];
        yield 'unknown error name' => [static function (stdClass $v): void {
            $v->expect->error = (object) ['stage' => 'decode', 'code' => -33000, 'name' => 'BROKEN', 'fatal' => true];
        }];
        yield 'error without fatal' => [static function (stdClass $v): void {
            $v->expect->error = (object) ['stage' => 'decode', 'code' => -33000, 'name' => 'PROTOCOL_ERROR'];
        }];
        yield 'unknown event type' => [static function (stdClass $v): void {
            $v->expect->events[0]->type = 'noise';
        }];
        yield 'frame event without body' => [static function (stdClass $v): void {
            unset($v->expect->events[0]->body);
        }];
        yield 'kind above 255' => [static function (stdClass $v): void {
            $v->expect->events[0]->kind = 256;
        }];
        yield 'id above u32' => [static function (stdClass $v): void {
            $v->expect->events[0]->id = 4294967296;
        }];
        yield 'flags not an integer' => [static function (stdClass $v): void {
            $v->expect->events[0]->flags = 1.5;
        }];
        yield 'decoded with two shapes' => [static function (stdClass $v): void {
            $v->expect->events[0]->decoded = (object) ['method' => 'x', 'json' => 1];
        }];
        yield 'empty stray event' => [static function (stdClass $v): void {
            $v->expect->events[] = (object) ['type' => 'stray', 'hex' => ''];
        }];
        yield 'config max_frame below 16 KiB' => [static function (stdClass $v): void {
            $v->config = (object) ['max_frame' => 1024];
        }];
        yield 'message with extra member' => [static function (stdClass $v): void {
            $v->expect->messages[0]->decoded = 'x';
        }];
    }

    /**
     * @dataProvider mutations
     * @param callable(stdClass): void $mutate
     */
    public function testSchemaRejectsABrokenVector(callable $mutate): void
    {
        $file = new stdClass();
        $file->vectors = [self::copy(self::vectorWithFrameEventAndMessage())];
        $this->assertSame([], self::schema()->validate($file), 'the unmutated vector is valid');
        $mutate($file->vectors[0]);
        $this->assertNotSame([], self::schema()->validate($file));
    }

    private static function vectorWithFrameEventAndMessage(): stdClass
    {
        foreach (self::vectors() as $v) {
            if (($v->expect->events[0]->type ?? '') === 'frame' && ($v->expect->messages ?? []) !== []) {
                return $v;
            }
        }
        throw new RuntimeException('no vector with a frame event and a message');
    }

    public function testSubsetRejectsAnUnsupportedKeyword(): void
    {
        $this->expectException(InvalidArgumentException::class);
        JsonSchemaSubset::fromJson('{"type": "object", "minProperties": 1}');
    }

    public function testSubsetOneOfNeedsExactlyOneMatch(): void
    {
        $s = JsonSchemaSubset::fromJson('{"oneOf": [{"type": "integer"}, {"minimum": 0}]}');
        $this->assertNotSame([], $s->validate(5), '5 matches both branches');
        $this->assertSame([], $s->validate(-1), '-1 matches only the integer branch');
        $this->assertSame([], $s->validate(0.5), '0.5 matches only the minimum branch');
        $this->assertNotSame([], $s->validate(-0.5), '-0.5 matches no branch');
    }

    public function testSubsetTypeEnumAndRefSemantics(): void
    {
        $s = JsonSchemaSubset::fromJson(
            '{"$defs": {"n": {"type": "integer", "maximum": 10}}, "type": "array",'
            . ' "items": {"oneOf": [{"$ref": "#/$defs/n"}, {"enum": ["a", null]}]}}'
        );
        $this->assertSame([], $s->validate([1, 3.0, 'a', null]));
        $this->assertNotSame([], $s->validate([3.5]), 'not an integer');
        $this->assertNotSame([], $s->validate(['3']), 'a string is not an integer');
        $this->assertNotSame([], $s->validate([true]), 'true is neither 1 nor "a"');
        $this->assertNotSame([], $s->validate([11]), 'above the referenced maximum');
        $this->assertNotSame([], $s->validate(new stdClass()), 'not an array');
    }

    // -------------------------------------------------------------------------------------------
    // Invariants across files
    // -------------------------------------------------------------------------------------------

    public function testAtLeastEightyVectors(): void
    {
        $this->assertGreaterThanOrEqual(self::MIN_VECTORS, count(self::vectors()));
    }

    public function testNamesAreUniqueAcrossFiles(): void
    {
        $seen = [];
        $duplicates = [];
        foreach (self::files() as $file => $content) {
            foreach ($content->vectors as $v) {
                if (isset($seen[$v->name])) {
                    $duplicates[] = "{$v->name} ({$seen[$v->name]}, $file)";
                }
                $seen[$v->name] = $file;
            }
        }
        $this->assertSame([], $duplicates);
    }

    public function testSectionsAreHeadingsOfTheSpec(): void
    {
        $headings = [];
        foreach (file(self::specPath(), FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (preg_match('/^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s/', $line, $m) === 1) {
                $headings[$m[1]] = true;
            }
            if (preg_match('/^#{2,6}\s+Appendix\s+([A-Z])\.?\s/', $line, $m) === 1) {
                $headings[$m[1]] = true;
            }
        }
        foreach (['3.5', '4', '5', 'A'] as $known) {
            $this->assertArrayHasKey($known, $headings, 'SPEC.md headings');
        }
        $unknown = [];
        foreach (self::vectors() as $v) {
            if (!isset($headings[$v->section])) {
                $unknown[] = "{$v->name} -> {$v->section}";
            }
        }
        $this->assertSame([], $unknown);
    }

    public function testEveryKindIsCoveredByAFrameAndByAMessage(): void
    {
        $frames = [];
        $messages = [];
        foreach (self::vectors() as $v) {
            foreach ($v->expect->events as $e) {
                if ($e->type === 'frame') {
                    $frames[$e->kind] = true;
                }
            }
            foreach ($v->expect->messages ?? [] as $m) {
                $messages[$m->kind] = true;
            }
        }
        foreach (range(1, 10) as $kind) {
            $this->assertArrayHasKey($kind, $frames, "a frame of kind $kind");
            $this->assertArrayHasKey($kind, $messages, "a message of kind $kind");
        }
    }

    public function testErrorCodesNamesAndFatalityMatchTheSpecTable(): void
    {
        $codes = [];
        $fatal = [];
        foreach (file(self::specPath(), FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            // | -33000 | PROTOCOL_ERROR | yes, id 0 | **closes** | ... |
            if (preg_match('/^\|\s*(-3\d{4})\s*\|\s*([A-Z_]+)\s*\|[^|]*\|\s*\**([a-z]+)\**\s*\|/', $line, $m) === 1) {
                $codes[$m[2]] = (int) $m[1];
                $fatal[$m[2]] = $m[3] !== 'continues';
            }
        }
        $this->assertGreaterThanOrEqual(19, count($codes), 'rows of the SPEC §7.2 table');
        $wrong = [];
        $withError = 0;
        foreach (self::vectors() as $v) {
            $error = $v->expect->error;
            if ($error === null) {
                continue;
            }
            $withError++;
            if (($codes[$error->name] ?? null) !== $error->code || ($fatal[$error->name] ?? null) !== $error->fatal) {
                $wrong[] = $v->name . ': ' . json_encode($error);
            }
        }
        $this->assertGreaterThan(0, $withError);
        $this->assertSame([], $wrong);
    }

    public function testConfigsAreLegalReceiverLimits(): void
    {
        $wrong = [];
        foreach (self::vectors() as $v) {
            $maxFrame = $v->config->max_frame ?? 1048576;
            $maxMessage = $v->config->max_message ?? 134217728;
            if ($maxMessage < $maxFrame) {
                $wrong[] = "{$v->name}: max_message $maxMessage < max_frame $maxFrame";
            }
        }
        $this->assertSame([], $wrong);
    }

    public function testDecodedIsGivenOnlyWhereTheReadmeDefinesIt(): void
    {
        $wrong = [];
        $count = 0;
        foreach (self::vectors() as $v) {
            foreach ($v->expect->events as $e) {
                if (!isset($e->decoded)) {
                    continue;
                }
                $count++;
                $d = $e->decoded;
                $continuation = ($e->flags & 0x0002) !== 0;
                $ok = match ($e->kind) {
                    2 => !$continuation && isset($d->timeout_ms, $d->method),
                    5 => !$continuation && isset($d->method) && count(get_object_vars($d)) === 1,
                    1, 4, 10 => property_exists($d, 'json'),
                    default => false,
                };
                if (!$ok) {
                    $wrong[] = "{$v->name}: kind {$e->kind} decoded " . json_encode($d);
                }
            }
        }
        $this->assertGreaterThan(0, $count);
        $this->assertSame([], $wrong);
    }

    // -------------------------------------------------------------------------------------------
    // The committed files are exactly what generate.php writes
    // -------------------------------------------------------------------------------------------

    public function testGeneratorReproducesTheCommittedFiles(): void
    {
        $tmp = sys_get_temp_dir() . '/parley-vectors-' . bin2hex(random_bytes(6));
        $this->assertTrue(mkdir($tmp, 0700));
        try {
            $cmd = escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(self::dir() . '/generate.php')
                . ' ' . escapeshellarg("--out=$tmp") . ' 2>&1';
            exec($cmd, $output, $rc);
            $this->assertSame(0, $rc, implode("\n", $output));
            $generated = array_map('basename', glob("$tmp/*.json") ?: []);
            sort($generated);
            $this->assertSame(array_keys(self::files()), $generated, 'the set of vector files');
            foreach ($generated as $name) {
                $this->assertSame(
                    md5_file(self::dir() . "/$name"),
                    md5_file("$tmp/$name"),
                    "$name differs from what generate.php writes: re-run it and commit the result"
                );
            }
        } finally {
            foreach (glob("$tmp/*") ?: [] as $f) {
                unlink($f);
            }
            rmdir($tmp);
        }
    }
}
