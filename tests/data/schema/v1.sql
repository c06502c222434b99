-- mesh.db schema version 1 (imagemesh 0.1.0 before the metadata work), kept to test the
-- migration to later versions. Do not edit: it is what old meshes hold.
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS runs (
  run_id       INTEGER PRIMARY KEY,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  command_line TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  summary      TEXT
);

CREATE TABLE IF NOT EXISTS papers (
  paper_id       TEXT PRIMARY KEY,
  id_kind        TEXT NOT NULL,
  version        INTEGER NOT NULL,
  yymm           TEXT NOT NULL,
  source_kind    TEXT NOT NULL,
  source_key     TEXT NOT NULL,
  origin         TEXT NOT NULL,
  source_sha256  TEXT NOT NULL,
  source_bytes   INTEGER NOT NULL,
  unpacked_bytes INTEGER NOT NULL,
  engine         TEXT NOT NULL,
  engine_reason  TEXT NOT NULL,
  root_files     TEXT NOT NULL,
  title          TEXT NOT NULL,
  authors        TEXT NOT NULL,
  abstract       TEXT NOT NULL,
  n_files        INTEGER NOT NULL,
  n_images       INTEGER NOT NULL,
  n_figures      INTEGER NOT NULL,
  run_id         INTEGER NOT NULL REFERENCES runs(run_id)
);
CREATE INDEX IF NOT EXISTS papers_by_run ON papers(run_id);

CREATE TABLE IF NOT EXISTS files (
  paper_id TEXT NOT NULL REFERENCES papers(paper_id) ON DELETE CASCADE,
  path     TEXT NOT NULL,
  size     INTEGER NOT NULL,
  sha256   TEXT NOT NULL,
  is_image INTEGER NOT NULL CHECK (is_image IN (0, 1)),
  PRIMARY KEY (paper_id, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_by_sha256 ON files(sha256);

CREATE TABLE IF NOT EXISTS blobs (
  blob_ordinal INTEGER PRIMARY KEY,
  sha256       TEXT NOT NULL UNIQUE,
  size         INTEGER NOT NULL,
  format       TEXT NOT NULL,
  width_px     INTEGER,
  height_px    INTEGER,
  width_pt     REAL,
  height_pt    REAL,
  pages        INTEGER,
  creator      TEXT,
  color        TEXT,
  error        TEXT
);
CREATE INDEX IF NOT EXISTS blobs_by_format ON blobs(format);

CREATE TABLE IF NOT EXISTS conversions (
  sha256        TEXT PRIMARY KEY,
  status        TEXT NOT NULL,
  error         TEXT NOT NULL,
  converter     TEXT NOT NULL,
  raster_width  INTEGER,
  raster_height INTEGER,
  web_width     INTEGER,
  web_height    INTEGER,
  blank         INTEGER NOT NULL CHECK (blank IN (0, 1)),
  millis        REAL NOT NULL,
  attempts      INTEGER NOT NULL,
  run_id        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversions_by_status ON conversions(status);

CREATE TABLE IF NOT EXISTS figures (
  figure_id     INTEGER PRIMARY KEY,
  paper_id      TEXT NOT NULL REFERENCES papers(paper_id) ON DELETE CASCADE,
  ord           INTEGER NOT NULL,
  env           TEXT NOT NULL,
  tex_file      TEXT NOT NULL,
  line          INTEGER NOT NULL,
  caption_tex   TEXT NOT NULL,
  caption_text  TEXT NOT NULL,
  short_caption TEXT NOT NULL,
  label         TEXT NOT NULL,
  UNIQUE (paper_id, ord)
);
CREATE INDEX IF NOT EXISTS figures_by_label ON figures(label) WHERE label <> '';

CREATE TABLE IF NOT EXISTS subfigures (
  subfigure_id INTEGER PRIMARY KEY,
  figure_id    INTEGER NOT NULL REFERENCES figures(figure_id) ON DELETE CASCADE,
  ord          INTEGER NOT NULL,
  caption_tex  TEXT NOT NULL,
  caption_text TEXT NOT NULL,
  label        TEXT NOT NULL,
  UNIQUE (figure_id, ord)
);

CREATE TABLE IF NOT EXISTS figure_graphics (
  graphic_id        INTEGER PRIMARY KEY,
  paper_id          TEXT NOT NULL REFERENCES papers(paper_id) ON DELETE CASCADE,
  figure_id         INTEGER NOT NULL REFERENCES figures(figure_id) ON DELETE CASCADE,
  subfigure_id      INTEGER REFERENCES subfigures(subfigure_id) ON DELETE CASCADE,
  ord               INTEGER NOT NULL,
  command           TEXT NOT NULL,
  as_written        TEXT NOT NULL,
  resolved_path     TEXT,
  unresolved_reason TEXT NOT NULL,
  resolution_note   TEXT NOT NULL,
  tex_file          TEXT NOT NULL,
  line              INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS graphics_by_figure ON figure_graphics(figure_id, subfigure_id, ord);
CREATE INDEX IF NOT EXISTS graphics_by_subfigure ON figure_graphics(subfigure_id)
  WHERE subfigure_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS graphics_by_file ON figure_graphics(paper_id, resolved_path);

CREATE TABLE IF NOT EXISTS errors (
  error_id    INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(run_id),
  last_run_id INTEGER NOT NULL REFERENCES runs(run_id),
  source      TEXT NOT NULL,
  item        TEXT NOT NULL,
  paper_id    TEXT,
  kind        TEXT NOT NULL,
  message     TEXT NOT NULL,
  UNIQUE (source, item, kind)
);
CREATE INDEX IF NOT EXISTS errors_by_run ON errors(run_id);
CREATE INDEX IF NOT EXISTS errors_by_last_run ON errors(last_run_id);
CREATE INDEX IF NOT EXISTS errors_by_paper ON errors(paper_id) WHERE paper_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS errors_by_kind ON errors(kind);

CREATE TABLE IF NOT EXISTS consumed_sources (
  source_key TEXT PRIMARY KEY,
  sha256     TEXT NOT NULL,
  paper_id   TEXT,
  outcome    TEXT NOT NULL CHECK (outcome IN ('paper', 'failed')),
  run_id     INTEGER NOT NULL REFERENCES runs(run_id)
);
CREATE INDEX IF NOT EXISTS consumed_by_paper ON consumed_sources(paper_id)
  WHERE paper_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS consumed_by_run ON consumed_sources(run_id);

CREATE VIEW IF NOT EXISTS images AS
SELECT f.paper_id, f.path, f.sha256, f.size,
       COALESCE(b.format, 'unknown') AS format,
       b.width_px, b.height_px, b.width_pt, b.height_pt, b.pages, b.creator, b.color, b.error,
       EXISTS (SELECT 1 FROM figure_graphics g
               WHERE g.paper_id = f.paper_id AND g.resolved_path = f.path) AS used_by_figure,
       b.blob_ordinal,
       c.status AS thumbnail, c.error AS thumbnail_error, c.raster_width, c.raster_height,
       c.blank AS thumbnail_blank
FROM files f LEFT JOIN blobs b ON b.sha256 = f.sha256
             LEFT JOIN conversions c ON c.sha256 = f.sha256
WHERE f.is_image = 1;

CREATE VIEW IF NOT EXISTS unresolved_refs AS
SELECT fig.paper_id, fig.ord AS figure_ord, sub.ord AS subfigure_ord, g.ord, g.command,
       g.as_written, g.unresolved_reason, g.tex_file, g.line
FROM figure_graphics g
JOIN figures fig ON fig.figure_id = g.figure_id
LEFT JOIN subfigures sub ON sub.subfigure_id = g.subfigure_id
WHERE g.resolved_path IS NULL;

-- One document per figure caption and one per sub-figure caption, with
-- rowid = figure_id * 65536 + (0 for the figure, the sub-figure's ord otherwise), so a figure's
-- documents are one rowid range. FTS5 keeps its own copy of the text: captions live in two tables,
-- which one external-content table cannot follow, and a contentless table cannot produce
-- snippet(). The writer inserts the documents itself (PaperWriter), in growing rowid order and as
-- single-row statements: FTS5 (3.40) flushes its pending index on every statement savepoint and on
-- every rowid that does not grow, and an INSERT trigger would open a savepoint per figure, making
-- writes ~5x slower. Deletes and updates, rare, are kept in sync by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS caption_fts USING fts5(
  caption, label,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER IF NOT EXISTS figures_fts_delete AFTER DELETE ON figures BEGIN
  DELETE FROM caption_fts WHERE rowid = old.figure_id * 65536;
END;
CREATE TRIGGER IF NOT EXISTS figures_fts_update AFTER UPDATE OF caption_text, label ON figures
BEGIN
  DELETE FROM caption_fts WHERE rowid = old.figure_id * 65536;
  INSERT INTO caption_fts(rowid, caption, label)
  SELECT new.figure_id * 65536, new.caption_text, new.label
  WHERE new.caption_text <> '' OR new.label <> '';
END;
CREATE TRIGGER IF NOT EXISTS subfigures_fts_delete AFTER DELETE ON subfigures
WHEN old.ord BETWEEN 1 AND 65535 BEGIN
  DELETE FROM caption_fts WHERE rowid = old.figure_id * 65536 + old.ord;
END;
CREATE TRIGGER IF NOT EXISTS subfigures_fts_update AFTER UPDATE OF caption_text, label
ON subfigures WHEN old.ord BETWEEN 1 AND 65535 BEGIN
  DELETE FROM caption_fts WHERE rowid = old.figure_id * 65536 + old.ord;
  INSERT INTO caption_fts(rowid, caption, label)
  SELECT new.figure_id * 65536 + new.ord, new.caption_text, new.label
  WHERE new.caption_text <> '' OR new.label <> '';
END;
INSERT INTO meta(key, value) VALUES ('schema_version', '1');
