#!/usr/bin/env python3
"""The baseline of the metadata import benchmark: the arXiv snapshot into SQLite the way the seed's
notebooks did it, Python's json module and sqlite3 executemany, committing every 10 000 rows.

    bench/seed_metadata.py SNAPSHOT.jsonl OUT.db
"""
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE papers (id TEXT PRIMARY KEY, submitter, authors, title, comments, "
           "journal_ref, doi, report_no, categories, license, abstract, versions, update_date, "
           "authors_parsed)")
rows = []
def flush():
    db.executemany("INSERT OR REPLACE INTO papers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    rows.clear()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    rows.append((r["id"], r["submitter"], r["authors"], r["title"], r["comments"],
                 r["journal-ref"], r["doi"], r["report-no"], r["categories"], r["license"],
                 r["abstract"], json.dumps(r["versions"]), r["update_date"],
                 json.dumps(r["authors_parsed"])))
    if len(rows) == 10000:
        flush()
flush()
