package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;
import io.tunetrail.api.audio.AudioBatchService;
import io.tunetrail.api.audio.AudioJobStore;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.Keyset;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP for batch audio analysis: a job of many files (multipart uploads or object keys) in, its per-file status out.
 * Each file is counted against the audio_analysis quota as it is analysed ({@link AudioBatchService}); the request
 * itself is one API call.
 */
public final class AudioJobsController {
    public static final String BATCH_PATH = "/api/v1/audio/batch-analyze";
    private static final String FEATURE = "audio_analysis";
    private static final Gate SUBMIT = Gate.metered(Scope.WRITE, FEATURE);
    private static final Gate READ = Gate.metered(Scope.READ, FEATURE);
    private static final String TAG = "Audio";
    /** A JSON body of keys: room for the largest object key (1,024 characters) and a track id per file, and the envelope. */
    private static final int JSON_BYTES_PER_FILE = 1_300;

    /** The JSON form of a batch: objects the org uploaded before, each with an optional track. */
    public record BatchAnalyzeRequest(List<KeyedFile> files) {}

    public record KeyedFile(String key, String trackId) {}

    /** A batch job as listed: status (queued, running, completed), counts per file status, and where to poll it. */
    public record JobSummary(String jobId, String status, String source, int fileCount, Map<String, Integer> counts, Instant createdAt,
            Instant completedAt, String statusUrl) {}

    /** A batch job with each of its files. */
    public record Job(String jobId, String status, String source, int fileCount, Map<String, Integer> counts, Instant createdAt,
            Instant completedAt, String statusUrl, List<JobFile> files) {}

    /** One file of a job; the analysis only once analysed, the error only once refused or failed. */
    public record JobFile(int position, String fileName, String key, String trackId, String status,
            @JsonInclude(JsonInclude.Include.NON_NULL) String analysisId, @JsonInclude(JsonInclude.Include.NON_NULL) String analysisUrl,
            @JsonInclude(JsonInclude.Include.NON_NULL) FileError error, Instant startedAt, Instant finishedAt) {}

    public record FileError(String code, String message) {}

    /** A page of jobs, newest first, and the cursor of the next one (null on the last page). */
    public record JobPage(List<JobSummary> jobs, String nextCursor) {}

    private final AudioBatchService batches;
    private final AudioJobStore jobs;
    private final long maxFileBytes;
    private final int maxFiles;

    public AudioJobsController(AudioBatchService batches, AudioJobStore jobs, long maxFileBytes, int maxFiles) {
        this.batches = batches;
        this.jobs = jobs;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post(BATCH_PATH, SUBMIT, TAG, "Analyse many files as one job: multipart 'file' parts (each optionally followed by "
                        + "its 'track_id' field, or one 'track_ids' field listing them in order) or JSON {files: [{key, track_id}]} of objects "
                        + "already uploaded; 202 with job_id and status_url. Each analysed file counts once against audio_analysis; when the "
                        + "quota runs out the rest are skipped_quota", this::submit).body("BatchAnalyzeRequest").status(202)
                        .returns(AudioBatchService.Accepted.class),
                ApiRoute.get("/api/v1/audio/jobs/{job_id}", READ, TAG, "A batch analysis job: status, counts, and each file's status "
                        + "(queued, analysed, refused, skipped_quota, failed) with its analysis_url or error",
                        ctx -> ctx.json(job(principal(ctx), ctx.pathParam("job_id")))).returns(Job.class),
                ApiRoute.get("/api/v1/audio/jobs", READ, TAG, "The org's batch analysis jobs, newest first (keyset pagination: "
                        + "next_cursor)", this::list).query("limit", "cursor").returns(JobPage.class));
    }

    private void submit(Context ctx) {
        Principal p = principal(ctx);
        AudioBatchService.Accepted accepted;
        if (AudioUploads.isMultipart(ctx)) {
            try (AudioUploads.Form form = AudioUploads.multipart(ctx, maxFileBytes, maxFiles)) {
                accepted = batches.submit(p, "upload", uploads(form));
            }
        } else if ("application/json".equals(AudioUploads.mediaType(ctx))) {
            BatchAnalyzeRequest r = Json.read(boundedBody(ctx), BatchAnalyzeRequest.class);
            if (r.files() == null) {
                throw ApiErrors.missingField("files");
            }
            List<AudioBatchService.BatchFile> files = new ArrayList<>();
            for (int i = 0; i < r.files().size(); i++) {
                KeyedFile f = r.files().get(i);
                if (f == null || f.key() == null || f.key().isBlank() || f.key().length() > 1024) {
                    throw ApiErrors.invalidField("files[" + i + "].key", "each file needs 'key': an object key of 1 to 1024 characters");
                }
                files.add(new AudioBatchService.BatchFile(null, f.key(), null, f.trackId()));
            }
            accepted = batches.submit(p, "keys", files);
        } else {
            throw ApiErrors.unsupportedMedia("Content-Type '" + AudioUploads.mediaType(ctx) + "' is not a batch; send multipart/form-data "
                    + "with 'file' parts, or application/json {\"files\": [{\"key\": ...}]}");
        }
        ctx.status(202).header("Location", accepted.statusUrl()).json(accepted);
    }

    /** The files of a multipart batch in order, each with the track_id field after it or its place in track_ids. */
    private static List<AudioBatchService.BatchFile> uploads(AudioUploads.Form form) {
        List<Part> files = new ArrayList<>();
        List<String> tracks = new ArrayList<>();
        for (Part part : form.parts()) {
            if ("file".equals(part.getName())) {
                files.add(part);
                tracks.add(null);
            } else if ("track_id".equals(part.getName())) {
                if (files.isEmpty() || tracks.get(files.size() - 1) != null) {
                    throw ApiErrors.invalidField("track_id", "send each 'track_id' field right after the 'file' part it is for");
                }
                tracks.set(files.size() - 1, AudioUploads.Form.text(part));
            }
        }
        String listed = form.field("track_ids");
        if (listed != null) {
            if (tracks.stream().anyMatch(t -> t != null)) {
                throw ApiErrors.invalidField("track_ids", "give either 'track_id' fields after the files or one 'track_ids' list, not both");
            }
            String[] ids = listed.split(",", -1);
            if (ids.length != files.size()) {
                throw ApiErrors.invalidField("track_ids", "'track_ids' lists " + ids.length + " entries for " + files.size()
                        + " files; give one per file, in order (empty for none)");
            }
            for (int i = 0; i < ids.length; i++) {
                tracks.set(i, ids[i].isBlank() ? null : ids[i].strip());
            }
        }
        List<AudioBatchService.BatchFile> out = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            Part part = files.get(i);
            // Read when kept, one at a time: the form holds large parts in temporary files, not in memory.
            out.add(new AudioBatchService.BatchFile(() -> AudioUploads.Form.bytes(part), null, fileName(part), tracks.get(i)));
        }
        return out;
    }

    private static String fileName(Part part) {
        String name = part.getSubmittedFileName();
        return name == null || name.isBlank() ? null : name.length() > 512 ? name.substring(0, 512) : name;
    }

    /** The JSON body, read through the route's capped stream but never more than a batch of keys can need. */
    private byte[] boundedBody(Context ctx) {
        long max = (long) maxFiles * JSON_BYTES_PER_FILE + 4096;
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                throw ApiErrors.bodyTooLarge(max);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Job job(Principal p, String jobId) {
        AudioJobStore.JobView job = jobs.job(p.orgId(), Check.id("job_id", jobId)).orElseThrow(() -> ApiErrors.notFound("audio job", jobId));
        JobSummary s = summary(job);
        List<JobFile> files = job.files().stream().map(f -> {
            boolean analysed = "analysed".equals(f.status());
            return new JobFile(f.position(), f.fileName(), f.objectKey(), f.trackId(), f.status(), analysed ? f.analysisId() : null,
                    analysed ? "/api/v1/audio/analyses/" + f.analysisId() : null,
                    f.errorCode() == null ? null : new FileError(f.errorCode(), f.errorMessage()), f.startedAt(), f.finishedAt());
        }).toList();
        return new Job(s.jobId(), s.status(), s.source(), s.fileCount(), s.counts(), s.createdAt(), s.completedAt(), s.statusUrl(), files);
    }

    private void list(Context ctx) {
        Principal p = principal(ctx);
        int limit = Check.intParam("limit", ctx.queryParam("limit"), 20, 1, 100);
        List<String> after = Keyset.decode(ctx.queryParam("cursor"), 2);
        List<AudioJobStore.JobView> rows = jobs.jobs(p.orgId(), after == null ? null : Keyset.instantPart(after.get(0)),
                after == null ? null : after.get(1), limit);
        var page = Keyset.page(rows, limit, j -> List.of(j.createdAt().toString(), j.jobId()));
        ctx.json(new JobPage(page.items().stream().map(AudioJobsController::summary).toList(), page.nextCursor()));
    }

    private static JobSummary summary(AudioJobStore.JobView job) {
        int queued = job.counts().getOrDefault("queued", 0);
        return new JobSummary(job.jobId(), job.completedAt() != null ? "completed" : queued < job.fileCount() ? "running" : "queued",
                job.source(), job.fileCount(), new java.util.LinkedHashMap<>(job.counts()), job.createdAt(), job.completedAt(),
                AudioBatchService.statusUrl(job.jobId()));
    }
}
