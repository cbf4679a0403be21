-- Batch analysis jobs of the API (POST /api/v1/audio/batch-analyze, serving-api AudioBatchService): one row per job and
-- one per file. The API's analysis pool claims files one at a time with a lease, so a job survives a restart of the
-- API: queued files (and files whose claim's lease ran out) are claimed again, and an analysed file is never analysed
-- twice (its status and its analysis are written in one transaction, guarded by the claim).

CREATE TABLE audio_jobs (
    org_id       tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    job_id       tt_id NOT NULL,
    -- The key that submitted the job: its files are counted against the org's audio_analysis quota as that key's.
    key_id       tt_id NOT NULL,
    -- 'upload' (multipart files, kept in the object store at submission) or 'keys' (objects already uploaded).
    source       text NOT NULL CHECK (source IN ('upload', 'keys')),
    file_count   integer NOT NULL CHECK (file_count > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Set once, when the last file reached a final status (the audio.batch_completed webhook is queued then).
    completed_at timestamptz,
    PRIMARY KEY (org_id, job_id)
);
-- GET /api/v1/audio/jobs: newest first, keyset on (created_at, job_id).
CREATE INDEX audio_jobs_by_org ON audio_jobs (org_id, created_at DESC, job_id DESC);
COMMENT ON TABLE audio_jobs IS 'Batch audio analysis jobs submitted to the API, per org: who submitted them, how many files, when they completed.';

CREATE TABLE audio_job_files (
    org_id        tt_id NOT NULL,
    job_id        tt_id NOT NULL,
    position      integer NOT NULL CHECK (position >= 0),
    -- The object to analyse (AudioObjectStore key); another org's key is refused when claimed, never read.
    object_key    text NOT NULL CHECK (length(object_key) BETWEEN 1 AND 1024),
    -- The client's file name (multipart) or null.
    file_name     text CHECK (length(file_name) <= 512),
    track_id      tt_id,
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'analysed', 'refused', 'skipped_quota', 'failed')),
    -- Chosen at submission, so a file analysed before a crash is recognised by its analysis afterwards.
    analysis_id   tt_id NOT NULL,
    error_code    text,
    error_message text,
    -- The current claim of a queued file (random per claim) and when it lapses; null when unclaimed.
    claim         text,
    lease_until   timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    -- When this file's unit of the quota was counted (the app's clock), so a file claimed again is not counted twice.
    counted_at    timestamptz,
    queued_at     timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    PRIMARY KEY (org_id, job_id, position),
    FOREIGN KEY (org_id, job_id) REFERENCES audio_jobs ON DELETE CASCADE
);
-- The claim query reads the queued files of every org: partial, so it holds only those (the files still to do).
CREATE INDEX audio_job_files_queued ON audio_job_files (org_id, queued_at, job_id, position) WHERE status = 'queued';
COMMENT ON TABLE audio_job_files IS 'The files of batch audio analysis jobs: object key, track, status (queued, analysed, refused, skipped_quota, failed), analysis id, error, claim lease and timings.';
