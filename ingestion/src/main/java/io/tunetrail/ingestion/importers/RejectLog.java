package io.tunetrail.ingestion.importers;

import io.tunetrail.model.RejectReason;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reject file of one input file: a TSV with {@code file, line, code, reason, raw} per bad row.
 *
 * <p>Tabs, line breaks and backslashes inside a value are written as {@code \t}, {@code \n}, {@code \r} and
 * {@code \\} so that every reject is exactly one line with five columns, even when the raw row was itself
 * tab-separated; a line that was not valid in its file's encoding shows its odd bytes as {@code \xNN}, which the
 * escaping writes as {@code \\xNN}. The file is created at the first reject only; a reject file left by an earlier
 * import of the same input is deleted when the input is read again, so what is there always belongs to the last run.
 * The first few rejects are also logged, so a person watching the import sees them without opening the file.
 */
final class RejectLog implements Closeable {
    static final String HEADER = "file\tline\tcode\treason\traw";
    private static final Logger LOG = LoggerFactory.getLogger(RejectLog.class);
    private static final int LOGGED_PER_FILE = 5;

    private final Path path;
    private BufferedWriter out;
    private long count;

    RejectLog(Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
    }

    /** Where the bad rows go, for people: {@code <outputDir>/rejects/<dataset>-<file>.rejects.tsv}. */
    static Path pathFor(Path rejectDir, String dataset, String file) {
        return rejectDir.resolve(dataset + "-" + file + ".rejects.tsv");
    }

    void write(String file, long line, RejectReason code, String reason, String raw) throws IOException {
        if (out == null) {
            Files.createDirectories(path.getParent());
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            out.write(HEADER);
            out.newLine();
        }
        count++;
        if (count <= LOGGED_PER_FILE) {
            LOG.warn("{}:{}: {} {}", file, line, code, reason);
        } else if (count == LOGGED_PER_FILE + 1) {
            LOG.warn("{}: more bad rows; all of them are in {}", file, path);
        }
        out.write(escape(file) + '\t' + line + '\t' + code.name() + '\t' + escape(reason) + '\t' + escape(raw));
        out.newLine();
    }

    /** The reject file, or null when this input had no bad row. */
    Path pathIfWritten() {
        return out == null ? null : path;
    }

    static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\\' -> sb.append("\\\\");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
