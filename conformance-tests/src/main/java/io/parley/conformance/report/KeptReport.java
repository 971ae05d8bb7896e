package io.parley.conformance.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The copy of REPORT.md kept in the repository (conformance-tests/REPORT.md): written only when its
 * content changes, so a clean clone stays unmodified after a build whose results are unchanged. The
 * content is the portable report ({@link MarkdownReport}: peer names, no machine paths, no duration).
 */
public final class KeptReport {
    private KeptReport() {}

    /**
     * Writes {@code content} to {@code file} unless the file already holds exactly that.
     *
     * @return true if the file was written
     */
    public static boolean update(Path file, String content) throws IOException {
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) return false;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
}
