-- mesh.db schema version 2 (imagemesh 0.1.0 before the predictions table), kept to test the
-- migration to later versions. Do not edit: it is what version-2 meshes hold.
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
  authors_text   TEXT NOT NULL DEFAULT '',
  abstract       TEXT NOT NULL,
  n_files        INTEGER NOT NULL,
  n_images       INTEGER NOT NULL,
  n_figures      INTEGER NOT NULL,
  run_id         INTEGER NOT NULL REFERENCES runs(run_id)
);
CREATE INDEX IF NOT EXISTS papers_by_run ON papers(run_id);

-- file_id names an image in the search index (search_fts rowid) and, later, in the explorer.
CREATE TABLE IF NOT EXISTS files (
  file_id  INTEGER PRIMARY KEY,
  paper_id TEXT NOT NULL REFERENCES papers(paper_id) ON DELETE CASCADE,
  path     TEXT NOT NULL,
  size     INTEGER NOT NULL,
  sha256   TEXT NOT NULL,
  is_image INTEGER NOT NULL CHECK (is_image IN (0, 1)),
  UNIQUE (paper_id, path)
);
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

-- arXiv metadata records (docs/metadata.md), one per paper id, whether or not its source is in
-- the mesh: metadata and sources may arrive in either order. A deleted record keeps its row
-- (deleted = 1, text emptied) so that an older copy imported later cannot bring it back.
CREATE TABLE IF NOT EXISTS metadata (
  metadata_id      INTEGER PRIMARY KEY,
  paper_id         TEXT NOT NULL UNIQUE,
  id_kind          TEXT NOT NULL,
  datestamp        TEXT NOT NULL,
  deleted          INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  record_hash      TEXT NOT NULL,
  created          TEXT NOT NULL,
  updated          TEXT NOT NULL,
  versions         TEXT NOT NULL,
  authors          TEXT NOT NULL,
  authors_parsed   TEXT NOT NULL,
  title            TEXT NOT NULL,
  title_raw        TEXT NOT NULL,
  abstract         TEXT NOT NULL,
  abstract_raw     TEXT NOT NULL,
  categories       TEXT NOT NULL,
  primary_category TEXT NOT NULL,
  primary_archive  TEXT NOT NULL,
  comments         TEXT NOT NULL,
  journal_ref      TEXT NOT NULL,
  doi              TEXT NOT NULL,
  report_no        TEXT NOT NULL,
  submitter        TEXT NOT NULL,
  license_url      TEXT NOT NULL,
  license          TEXT NOT NULL,
  license_family   TEXT NOT NULL,
  source           TEXT NOT NULL
);
-- No secondary indexes: queries reach metadata from papers by paper_id, and each index would
-- slow a 2.7 M-record import by a B-tree insert per record.

-- Where an OAI-PMH harvest got to, written in the same transaction as the page's records: a
-- harvest interrupted at any point resumes from the last stored token.
CREATE TABLE IF NOT EXISTS harvests (
  harvest_key  TEXT PRIMARY KEY,
  endpoint     TEXT NOT NULL,
  request      TEXT NOT NULL,
  token        TEXT NOT NULL,
  pages        INTEGER NOT NULL,
  records      INTEGER NOT NULL,
  complete     INTEGER NOT NULL CHECK (complete IN (0, 1)),
  started_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) WITHOUT ROWID;

-- The join: a paper is described by its arXiv record when there is a live one, otherwise by what
-- its LaTeX gave, dated by its id's month. `described_by` says which: 'arxiv', 'latex', or
-- 'withdrawn' (the record was deleted; the LaTeX fields are shown). No table-valued function
-- (json_each) may appear here or in search_documents: FTS5 cannot rebuild from a view using one.
CREATE VIEW IF NOT EXISTS paper_info AS
SELECT p.paper_id, p.id_kind, p.version, p.yymm,
       CASE WHEN m.deleted = 0 THEN 'arxiv' WHEN m.deleted = 1 THEN 'withdrawn' ELSE 'latex' END
         AS described_by,
       CASE WHEN m.deleted = 0 THEN m.title ELSE p.title END AS title,
       CASE WHEN m.deleted = 0 THEN m.authors
            ELSE p.authors_text END AS authors,
       CASE WHEN m.deleted = 0 THEN m.abstract ELSE p.abstract END AS abstract,
       CASE WHEN m.deleted = 0 AND m.created <> '' THEN m.created
            WHEN p.yymm <> '' THEN (CASE WHEN substr(p.yymm, 1, 2) >= '91' THEN '19' ELSE '20' END)
                                   || substr(p.yymm, 1, 2) || '-' || substr(p.yymm, 3, 2)
       END AS date,
       CASE WHEN m.deleted = 0 AND m.created <> '' THEN 'arxiv'
            WHEN p.yymm <> '' THEN 'id-month' END AS date_from,
       CASE WHEN m.deleted = 0 THEN m.updated END AS updated,
       CASE WHEN m.deleted = 0 THEN m.categories END AS categories,
       CASE WHEN m.deleted = 0 THEN m.primary_category END AS primary_category,
       CASE WHEN m.deleted = 0 THEN m.primary_archive END AS primary_archive,
       CASE WHEN m.deleted = 0 THEN m.license END AS license,
       CASE WHEN m.deleted = 0 THEN m.license_family END AS license_family,
       CASE WHEN m.deleted = 0 THEN m.doi END AS doi,
       CASE WHEN m.deleted = 0 THEN m.journal_ref END AS journal_ref
FROM papers p LEFT JOIN metadata m ON m.paper_id = p.paper_id;

-- One search document per image file: its paper's title, authors and abstract (joined as above),
-- the captions and labels of the figures and sub-figures that include it, its path and the
-- software that made it. search_fts indexes this view without copying its text (external
-- content), so an abstract shared by 40 images is stored once. The contract that keeps the two in
-- step: every change to what a paper's documents say removes them from search_fts (FTS5 'delete'
-- with the old values, read from this view) before the change and adds them again after it;
-- store/search_index.cc does both, in the writer's transaction.
CREATE VIEW IF NOT EXISTS search_documents AS
SELECT f.file_id, f.paper_id, pi.title, pi.authors, pi.abstract,
       (SELECT coalesce(group_concat(text, ' '), '') FROM (
          SELECT DISTINCT fig.caption_text
                 || CASE WHEN sub.caption_text <> '' THEN ' ' || sub.caption_text ELSE '' END
                   AS text
          FROM figure_graphics g
          JOIN figures fig ON fig.figure_id = g.figure_id
          LEFT JOIN subfigures sub ON sub.subfigure_id = g.subfigure_id
          WHERE g.paper_id = f.paper_id AND g.resolved_path = f.path)) AS caption,
       (SELECT coalesce(group_concat(label, ' '), '') FROM (
          SELECT DISTINCT trim(fig.label || ' ' || coalesce(sub.label, '')) AS label
          FROM figure_graphics g
          JOIN figures fig ON fig.figure_id = g.figure_id
          LEFT JOIN subfigures sub ON sub.subfigure_id = g.subfigure_id
          WHERE g.paper_id = f.paper_id AND g.resolved_path = f.path
            AND (fig.label <> '' OR sub.label <> ''))) AS label,
       f.path AS file,
       coalesce(b.creator, '') AS creator
FROM files f
JOIN paper_info pi ON pi.paper_id = f.paper_id
LEFT JOIN blobs b ON b.sha256 = f.sha256
WHERE f.is_image = 1;

CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
  title, authors, abstract, caption, label, file, creator,
  content = 'search_documents', content_rowid = 'file_id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
