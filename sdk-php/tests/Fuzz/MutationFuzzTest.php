<?php

declare(strict_types=1);

namespace Parley\Tests\Fuzz;

use PHPUnit\Framework\TestCase;

/**
 * CI's reduced run of the mutation fuzzer (the long run: tests/Fuzz/fuzz.php --count 1000000):
 * the shared corpus plus a few thousand mutations per target, no finding allowed.
 */
final class MutationFuzzTest extends TestCase
{
    /** @return iterable<string, array{string}> */
    public static function targets(): iterable
    {
        foreach (MutationFuzzer::TARGETS as $target) {
            yield $target => [$target];
        }
    }

    /** @dataProvider targets */
    public function testMutatedCorpusRaisesOnlyDeclaredErrors(string $target): void
    {
        $fuzzer = new MutationFuzzer($target, MutationFuzzer::defaultCorpusDir(), 20261205);
        self::assertGreaterThan(3, $fuzzer->corpusSize(), 'the shared corpus is there');
        $fuzzer->run(4000);
        self::assertSame([], array_map(static fn (array $f): string => $f['error'], $fuzzer->findings));
        // the mutations reach both valid and rejected inputs, or the run proves little
        self::assertGreaterThan(1, count($fuzzer->outcomes), json_encode($fuzzer->outcomes));
    }
}
