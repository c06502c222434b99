#!/usr/bin/env python3
"""A small OAI-PMH 2.0 ListRecords server for loopback tests of the harvest client.

Serves the <record> elements of real arXiv ListRecords responses (copied byte for byte, in file
order) in pages of --page-size, with resumption tokens, the OAI errors a harvester meets
(badVerb, badArgument, cannotDisseminateFormat, badResumptionToken, noRecordsMatch), gzip when the
client accepts it, and scripted failures: --fail-503-at-page K answers the first request for page K
with 503 and a Retry-After header; --die-at-page K answers every request for page K with 500.

Routes: GET /oai (the endpoint); GET /redirect/oai (302 to /oai with the same query); anything
else is 404. Tokens are stateless ("tok-<offset>", plus the selection when there is one), so a
server started later continues a list an earlier one began.

Each request is logged as "<path> <status>[ gzip]" (one line, flushed) to stderr or --log FILE, so
tests can count requests. After binding, prints "listening on PORT" and writes the port to
--port-file (atomically: PATH.tmp, then rename). SIGTERM ends it cleanly.

Python 3 standard library only.
"""

import argparse
import datetime
import gzip
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
RECORD = re.compile(rb"<record>.*?</record>", re.S)
DATESTAMP = re.compile(rb"<datestamp>\s*([^<\s]+)\s*</datestamp>")
SET_SPEC = re.compile(rb"<setSpec>\s*([^<\s]+)\s*</setSpec>")
TOKEN = re.compile(r"tok-(\d+)(?:\|([^|]*)\|([^|]*)\|([^|]*))?")
LIST_RECORDS_ARGS = {"verb", "metadataPrefix", "from", "until", "set", "resumptionToken"}


def default_record_files():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    metadata = os.path.join(os.path.dirname(repo), "shared", "corpus", "metadata")
    return [os.path.join(metadata, name)
            for name in ("oai-listrecords-sample.xml", "oai-listrecords-oldstyle.xml")]


class Record:
    def __init__(self, raw):
        self.raw = raw
        found = DATESTAMP.search(raw)
        self.datestamp = found.group(1).decode("ascii", "replace") if found else ""
        self.sets = [s.decode("utf-8", "replace") for s in SET_SPEC.findall(raw)]

    def matches(self, date_from, until, set_spec):
        day = self.datestamp[:10]
        if date_from and day < date_from[:10]:
            return False
        if until and day > until[:10]:
            return False
        if set_spec and not any(s == set_spec or s.startswith(set_spec + ":") for s in self.sets):
            return False
        return True


def load_records(paths):
    records = []
    for path in paths:
        with open(path, "rb") as f:
            records.extend(Record(raw) for raw in RECORD.findall(f.read()))
    return records


class OaiError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class State:
    """What handler threads share: read-only records and options, 503 bookkeeping, the log."""

    def __init__(self, options, records, log):
        self.options = options
        self.records = records
        self.log = log
        self.lock = threading.Lock()
        self.failed_pages = set()

    def write_log(self, line):
        with self.lock:
            self.log.write(line + "\n")
            self.log.flush()

    def first_failure(self, page):
        """True the first time page `page` is requested, when --fail-503-at-page names it."""
        if page != self.options.fail_503_at_page:
            return False
        with self.lock:
            if page in self.failed_pages:
                return False
            self.failed_pages.add(page)
            return True


def envelope(request_xml, inner):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<OAI-PMH xmlns="{OAI_NS}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
            f"<responseDate>{now}</responseDate>\n"
            f"{request_xml}\n").encode("utf-8") + inner + b"</OAI-PMH>\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "imagemesh-test-oai/1"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # replaced by State.write_log: one line per request, in our format

    def do_GET(self):
        state = self.server.state
        url = urlsplit(self.path)
        if url.path == "/redirect/oai":
            self.reply(302, b"", {"Location": "/oai" + ("?" + url.query if url.query else "")})
            return
        if url.path != "/oai":
            self.reply(404, b"not found\n", {"Content-Type": "text/plain"})
            return
        args = parse_qs(url.query, keep_blank_values=True)
        flat = {name: values[0] for name, values in args.items()}
        endpoint = f"http://{self.headers.get('Host', 'localhost')}/oai"
        try:
            page, offset, body = self.list_records(state, args, endpoint)
        except OaiError as failure:
            # Per OAI-PMH, badVerb and badArgument echo no arguments in <request>.
            echoed = {} if failure.code in ("badVerb", "badArgument") else flat
            inner = (f'<error code="{failure.code}">{escape(failure.message)}</error>\n'
                     ).encode("utf-8")
            self.reply(200, envelope(request_element(echoed, endpoint), inner), xml=True)
            return
        options = state.options
        if options.die_at_page == page:
            self.reply(500, b"scripted failure (--die-at-page)\n", {"Content-Type": "text/plain"})
            return
        if state.first_failure(page):
            self.reply(503, b"scripted failure (--fail-503-at-page)\n",
                       {"Content-Type": "text/plain", "Retry-After": options.retry_after})
            return
        self.reply(200, body, xml=True)

    def list_records(self, state, args, endpoint):
        """(page number from 1, offset, response body) for a ListRecords request, or OaiError."""
        for name, values in args.items():
            if name not in LIST_RECORDS_ARGS:
                raise OaiError("badArgument", f"illegal argument {name}")
            if len(values) > 1:
                raise OaiError("badArgument", f"repeated argument {name}")
        arg = {name: values[0] for name, values in args.items()}
        verb = arg.get("verb", "")
        if verb != "ListRecords":
            raise OaiError("badVerb", f"illegal verb '{verb}' (this server has only ListRecords)")
        size = state.options.page_size
        token = arg.get("resumptionToken")
        if token is not None:
            if len(arg) != 2:
                raise OaiError("badArgument", "resumptionToken is an exclusive argument")
            found = TOKEN.fullmatch(token)
            if not found:
                raise OaiError("badResumptionToken", f"unknown resumptionToken '{token}'")
            offset = int(found.group(1))
            date_from, until, set_spec = (found.group(i) or "" for i in (2, 3, 4))
        else:
            prefix = arg.get("metadataPrefix")
            if prefix is None:
                raise OaiError("badArgument", "metadataPrefix is required")
            if prefix != "arXiv":
                raise OaiError("cannotDisseminateFormat",
                               f"metadataPrefix '{prefix}' is not supported (only arXiv)")
            offset = 0
            date_from, until, set_spec = (arg.get(name, "") for name in ("from", "until", "set"))
        selected = [r for r in state.records if r.matches(date_from, until, set_spec)]
        if token is not None and (offset <= 0 or offset >= len(selected) or offset % size):
            raise OaiError("badResumptionToken", f"unknown resumptionToken '{token}'")
        if not selected:
            raise OaiError("noRecordsMatch", "no record matches the selection")
        chunk = selected[offset:offset + size]
        following = offset + len(chunk)
        attrs = f'cursor="{offset}" completeListSize="{len(selected)}"'
        if following < len(selected):
            selection = "" if not (date_from or until or set_spec) else \
                f"|{date_from}|{until}|{set_spec}"
            next_token = f"tok-{following}{selection}"
            token_xml = f"<resumptionToken {attrs}>{escape(next_token)}</resumptionToken>\n"
        else:
            token_xml = f"<resumptionToken {attrs}/>\n"
        inner = (b"<ListRecords>\n" + b"\n".join(r.raw for r in chunk) + b"\n" +
                 token_xml.encode("utf-8") + b"</ListRecords>\n")
        return offset // size + 1, offset, envelope(request_element(arg, endpoint), inner)

    def reply(self, status, body, headers=None, xml=False):
        headers = dict(headers or {})
        if xml:
            headers["Content-Type"] = "text/xml; charset=utf-8"
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "") and len(body) > 0
        if gzipped:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        # Logged before the answer goes out: a client that has its answer may read the log at
        # once (the tests do), and must find the request there.
        self.server.state.write_log(f"{self.path} {status}" + (" gzip" if gzipped else ""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def request_element(args, endpoint):
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in args.items())
    return f"<request{attrs}>{escape(endpoint)}</request>"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--records", nargs="+", default=None, metavar="FILE",
                        help="OAI-PMH XML files to serve the <record>s of (default: shared corpus)")
    parser.add_argument("--fail-503-at-page", type=int, default=0, metavar="K")
    parser.add_argument("--retry-after", default="1", metavar="S",
                        help="Retry-After value sent with the scripted 503 (seconds or HTTP-date)")
    parser.add_argument("--die-at-page", type=int, default=0, metavar="K")
    parser.add_argument("--port-file", default=None, metavar="PATH")
    parser.add_argument("--log", default=None, metavar="FILE")
    options = parser.parse_args()
    if options.page_size < 1:
        parser.error("--page-size must be at least 1")

    records = load_records(options.records or default_record_files())
    log = open(options.log, "a", encoding="utf-8") if options.log else sys.stderr
    server = ThreadingHTTPServer((options.host, options.port), Handler)
    server.daemon_threads = True
    server.state = State(options, records, log)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    port = server.server_address[1]
    if options.port_file:
        with open(options.port_file + ".tmp", "w", encoding="ascii") as f:
            f.write(f"{port}\n")
        os.replace(options.port_file + ".tmp", options.port_file)
    print(f"listening on {port}", flush=True)
    try:
        server.serve_forever()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()
        if log is not sys.stderr:
            log.close()


if __name__ == "__main__":
    main()
