package io.tunetrail.ingestion.importers;

import io.tunetrail.ingestion.importers.ImportSummary.FileSummary;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.RejectReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The bookkeeping of one import: finds its files, reads them row by row, rejects and counts bad rows, counts the
 * events it forwards, and assembles the {@link ImportSummary}.
 *
 * <p>Importers only say how to use a good row; a row whose handler returns is loaded, a row whose handler throws
 * {@link BadRowException} (or that cannot be split, or has the wrong number of fields) is rejected. So for every file
 * {@code read = loaded + rejected} holds by construction. A handler must check everything before it changes any state,
 * so a rejected row leaves no trace in the catalog.
 */
final class ImportRun {

    /** Uses one good row; throws {@link BadRowException} to reject it. */
    @FunctionalInterface
    interface RowHandler {
        void accept(Row row) throws BadRowException;
    }

    private final String dataset;
    private final ImportRequest request;
    private final List<String> requiredFiles;
    private final Consumer<? super InteractionEvent> sink;
    private final List<FileSummary> files = new ArrayList<>();
    private final long started = System.nanoTime();
    private long events;
    private long eventCountTotal;

    /**
     * Starts an import and checks up front that the directory and every required file exist, so that a wrong
     * directory fails before anything is emitted.
     */
    ImportRun(String dataset, ImportRequest request, List<String> requiredFiles, Consumer<? super InteractionEvent> sink) {
        this.dataset = dataset;
        this.request = request;
        this.requiredFiles = List.copyOf(requiredFiles);
        this.sink = sink;
        if (!Files.isDirectory(request.dataDir())) {
            throw ImportErrors.notADirectory(dataset, request.dataDir());
        }
        for (String file : requiredFiles) {
            if (!has(file)) {
                throw ImportErrors.missingFile(dataset, request.dataDir(), file, requiredFiles);
            }
        }
    }

    String orgId() {
        return request.org().orgId();
    }

    boolean has(String file) {
        return Files.isRegularFile(request.dataDir().resolve(file));
    }

    /** Reads every row of {@code file}, handing good ones to {@code handler}. */
    FileSummary read(String file, RowFormat format, RowHandler handler) throws IOException {
        Path path = request.dataDir().resolve(file);
        if (!Files.isRegularFile(path)) {
            throw ImportErrors.missingFile(dataset, request.dataDir(), file, requiredFiles);
        }
        long start = System.nanoTime();
        long read = 0;
        long loaded = 0;
        long rejected = 0;
        Path rejectFile;
        try (RowReader rows = new RowReader(new LineReader(Files.newInputStream(path), format.charset()),
                        format.delimiter(), format.quoted());
                RejectLog rejects = new RejectLog(RejectLog.pathFor(request.rejectDir(), dataset, file))) {
            Map<String, Integer> index = new HashMap<>();
            int expectedFields = format.header() ? readHeader(rows, path, format, index) : positions(format, index);
            RowReader.Record record;
            while ((record = rows.next()) != null) {
                read++;
                String reason = record.error();
                if (reason == null && record.fields().size() != expectedFields) {
                    reason = "expected " + expectedFields + " columns, found " + record.fields().size();
                }
                if (reason == null) {
                    try {
                        handler.accept(new Row(file, record.line(), record.fields(), index));
                        loaded++;
                        continue;
                    } catch (BadRowException e) {
                        reason = e.getMessage();
                    }
                }
                rejected++;
                rejects.write(file, record.line(), RejectReason.BAD_ROW, reason, record.raw());
            }
            rejectFile = rejects.pathIfWritten();
        }
        FileSummary summary = new FileSummary(file, read, loaded, rejected, System.nanoTime() - start, rejectFile);
        files.add(summary);
        return summary;
    }

    private int readHeader(RowReader rows, Path path, RowFormat format, Map<String, Integer> index) throws IOException {
        RowReader.Record header = rows.next();
        if (header == null || header.error() != null) {
            throw ImportErrors.missingHeader(dataset, path, format.columns());
        }
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            byName.putIfAbsent(header.fields().get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        List<String> missing = new ArrayList<>();
        for (String column : format.columns()) {
            Integer i = byName.get(column.toLowerCase(Locale.ROOT));
            if (i == null) {
                missing.add(column);
            } else {
                index.put(column, i);
            }
        }
        if (!missing.isEmpty()) {
            throw ImportErrors.missingColumns(dataset, path, missing, header.fields());
        }
        return header.fields().size();
    }

    private static int positions(RowFormat format, Map<String, Integer> index) {
        for (int i = 0; i < format.columns().size(); i++) {
            index.put(format.columns().get(i), i);
        }
        return format.columns().size();
    }

    /** Forwards one event to the caller and counts it. */
    void emit(InteractionEvent event) {
        sink.accept(event);
        events++;
        eventCountTotal += event.count();
    }

    ImportSummary finish() {
        return new ImportSummary(dataset, files, events, eventCountTotal, System.nanoTime() - started);
    }
}
