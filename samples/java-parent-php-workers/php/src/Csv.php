<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

/** Reads a small CSV file with a header row into a list of associative arrays. */
final class Csv
{
    /**
     * @return list<array<string, string>>
     */
    public static function read(string $path): array
    {
        $handle = @fopen($path, 'rb');
        if ($handle === false) {
            throw new \RuntimeException("cannot open data file $path: check the sample's data/ folder");
        }
        try {
            $header = fgetcsv($handle, escape: '');
            if (!is_array($header)) {
                throw new \RuntimeException("data file $path is empty: it needs a header row");
            }
            $rows = [];
            while (($row = fgetcsv($handle, escape: '')) !== false) {
                if ($row === [null]) {
                    continue; // blank line
                }
                if (count($row) !== count($header)) {
                    throw new \RuntimeException(sprintf(
                        '%s line %d has %d fields, the header has %d',
                        $path,
                        count($rows) + 2,
                        count($row),
                        count($header),
                    ));
                }
                $rows[] = array_combine($header, $row);
            }
            return $rows;
        } finally {
            fclose($handle);
        }
    }
}
