"""The checksummed downloader, offline: file:// URLs, a local HTTP server on 127.0.0.1 (resume with Range), checksum
failures, no network."""
import hashlib
import re

import numpy as np
import pytest

from hepscaling.data import download as D


def remote(tmp_path, payload=b"jets" * 1000, **kw):
    src = tmp_path / "server" / "train.h5"
    src.parent.mkdir()
    src.write_bytes(payload)
    args = dict(size=len(payload), md5=hashlib.md5(payload).hexdigest())
    args.update(kw)
    return D.RemoteFile("train.h5", src.as_uri(), **args), payload


def test_fetch_verifies_and_records_sha256(tmp_path):
    rf, payload = remote(tmp_path)
    out = D.fetch(rf, tmp_path / "data")
    assert out.read_bytes() == payload
    assert D.recorded_sha256(out) == hashlib.sha256(payload).hexdigest()
    assert not (tmp_path / "data" / "train.h5.part").exists()
    assert D.fetch(rf, tmp_path / "data") == out  # present and valid: kept


def test_partial_download_is_completed(tmp_path):
    rf, payload = remote(tmp_path)
    d = tmp_path / "data"
    d.mkdir()
    (d / "train.h5.part").write_bytes(payload[:1000])  # file:// ignores Range: the downloader starts over
    assert D.fetch(rf, d).read_bytes() == payload


def test_checksum_mismatch_leaves_no_file(tmp_path):
    rf, _ = remote(tmp_path, md5="0" * 32)
    with pytest.raises(D.ChecksumError, match="md5"):
        D.fetch(rf, tmp_path / "data")
    assert not (tmp_path / "data" / "train.h5").exists()
    assert not (tmp_path / "data" / "train.h5.part").exists()


def test_no_network_names_file(tmp_path):
    rf = D.RemoteFile("val.h5", "http://127.0.0.1:9/val.h5", 10)
    with pytest.raises(D.DownloadError, match=r"val\.h5.*by hand"):
        D.fetch(rf, tmp_path, timeout=2)


def test_record_entries_and_cli_verify(tmp_path, monkeypatch, capsys):
    names = [f.name for f in D.DATASETS["toptagging"]["files"]]
    assert names == ["train.h5", "val.h5", "test.h5"]
    assert all(len(f.md5) == 32 and f.size > 3e8 for f in D.DATASETS["toptagging"]["files"])
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))
    assert D.main(["toptagging", "--verify"]) == 1
    assert "train.h5" in capsys.readouterr().err


# ------------------------------------------------------------------------------------- over HTTP, on 127.0.0.1
class _Server:
    """A local HTTP server for one payload; records the Range header of every request and the body bytes it sent.

    ``honour_range``: answer ``Range: bytes=N-`` with 206 Partial Content (416 when N is past the end), else ignore it
    (200 with the full body).  ``cut_after``: send only that many body bytes of the next response (Content-Length
    still promises all of them), as a dropped connection would.  ``stall``: after that many body bytes of the next
    response, stop sending until the test ends.  ``/redirect/<name>`` answers 302 to ``/files/<name>``.
    """

    def __init__(self, payload, honour_range=True):
        import http.server
        import threading

        self.payload, self.honour_range = payload, honour_range
        self.cut_after = self.stall = None
        self.requests, self.statuses, self.served = [], [], 0
        self.release = threading.Event()
        srv = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                rng = self.headers.get("Range")
                srv.requests.append((self.path, rng))
                if self.path.startswith("/redirect/"):
                    srv.statuses.append(302)
                    self.send_response(302)
                    self.send_header("Location", "/files/" + self.path.rsplit("/", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, status, start = srv.payload, 200, 0
                m = re.fullmatch(r"bytes=(\d+)-", rng or "")
                if srv.honour_range and m:
                    start = int(m.group(1))
                    if start >= len(body):
                        srv.statuses.append(416)
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(body)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    status = 206
                srv.statuses.append(status)
                self.send_response(status)
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                out = body[start:]
                if srv.cut_after is not None:
                    out, srv.cut_after = out[:srv.cut_after], None
                if srv.stall is not None:
                    n, srv.stall = srv.stall, None
                    srv.served += n  # counted before sending: the client cannot see bytes not yet counted
                    self.wfile.write(out[:n])
                    self.wfile.flush()
                    srv.release.wait(10)
                    return
                srv.served += len(out)
                self.wfile.write(out)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def ranges(self):
        return [r for path, r in self.requests if path.startswith("/files/")]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


PAYLOAD = np.random.default_rng(0).bytes(300_000)  # random bytes: a shifted or repeated segment shows
K = 123_457


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    made = []

    def make(payload=PAYLOAD, **kw):
        made.append(_Server(payload, **kw))
        return made[-1]

    yield make
    for s in made:
        s.close()


def http_file(srv, path="/files/train.h5", **kw):
    args = dict(size=len(srv.payload), md5=hashlib.md5(srv.payload).hexdigest())
    args.update(kw)
    return D.RemoteFile("train.h5", srv.base + path, **args)


def leftovers(d):
    return sorted(p.name for p in d.iterdir())


def test_http_fresh_download_sends_no_range(server, tmp_path):
    srv = server()
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges == [None] and srv.statuses == [200] and srv.served == len(PAYLOAD)
    assert out.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == ["train.h5", "train.h5.sha256"]


def test_http_resume_requests_and_receives_only_the_remainder(server, tmp_path):
    srv = server()
    (tmp_path / "train.h5.part").write_bytes(PAYLOAD[:K])
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges == [f"bytes={K}-"] and srv.statuses == [206]
    assert srv.served == len(PAYLOAD) - K  # only the missing bytes went over the wire
    data = out.read_bytes()
    assert data == PAYLOAD and hashlib.md5(data).hexdigest() == hashlib.md5(PAYLOAD).hexdigest()
    assert D.recorded_sha256(out) == hashlib.sha256(PAYLOAD).hexdigest()
    assert leftovers(tmp_path) == ["train.h5", "train.h5.sha256"]


def test_http_resume_follows_a_redirect(server, tmp_path):
    """Zenodo's ``?download=1`` URLs redirect: the Range header must survive the redirect."""
    srv = server()
    (tmp_path / "train.h5.part").write_bytes(PAYLOAD[:K])
    out = D.fetch(http_file(srv, "/redirect/train.h5"), tmp_path)
    assert srv.statuses == [302, 206] and srv.ranges == [f"bytes={K}-"] and srv.served == len(PAYLOAD) - K
    assert out.read_bytes() == PAYLOAD


def test_http_server_ignoring_range_does_not_duplicate_bytes(server, tmp_path):
    srv = server(honour_range=False)
    (tmp_path / "train.h5.part").write_bytes(PAYLOAD[:K])
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges == [f"bytes={K}-"] and srv.statuses == [200] and srv.served == len(PAYLOAD)
    assert out.stat().st_size == len(PAYLOAD) and out.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == ["train.h5", "train.h5.sha256"]


def test_http_server_ignoring_range_without_known_size(server, tmp_path):
    """No size in the record: only the checksum can catch an appended full body."""
    srv = server(honour_range=False)
    (tmp_path / "train.h5.part").write_bytes(PAYLOAD[:K])
    out = D.fetch(http_file(srv, size=None), tmp_path)
    assert out.read_bytes() == PAYLOAD


def test_http_corrupt_part_fails_the_checksum_and_leaves_nothing(server, tmp_path):
    srv = server()
    bad = bytes(b ^ 0xFF for b in PAYLOAD[:16]) + PAYLOAD[16:K]  # wrong first bytes, right length
    (tmp_path / "train.h5.part").write_bytes(bad)
    with pytest.raises(D.ChecksumError, match=r"train\.h5\.part: md5 [0-9a-f]{32} does not match"):
        D.fetch(http_file(srv), tmp_path)
    assert srv.ranges == [f"bytes={K}-"] and srv.served == len(PAYLOAD) - K  # it did resume, onto bad bytes
    assert leftovers(tmp_path) == []  # no final file, no .part, no .sha256
    # the next attempt starts from scratch and succeeds
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges[-1] is None and out.read_bytes() == PAYLOAD


def test_http_dropped_connection_is_resumed_by_the_next_fetch(server, tmp_path):
    srv = server()
    srv.cut_after = K
    with pytest.raises(D.ChecksumError, match=f"size {K} bytes, expected {len(PAYLOAD)}"):
        D.fetch(http_file(srv), tmp_path)
    assert (tmp_path / "train.h5.part").read_bytes() == PAYLOAD[:K]  # kept: it can be resumed
    assert not (tmp_path / "train.h5").exists()
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges == [None, f"bytes={K}-"] and srv.served == len(PAYLOAD)  # K + (len - K): nothing twice
    assert out.read_bytes() == PAYLOAD


def test_http_stalled_transfer_is_a_download_error_and_keeps_the_part(server, tmp_path):
    srv = server()
    srv.stall = K
    with pytest.raises(D.DownloadError, match=r"train\.h5.*by hand"):
        D.fetch(http_file(srv), tmp_path, timeout=1)
    srv.release.set()
    assert (tmp_path / "train.h5.part").read_bytes() == PAYLOAD[:K]
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges[-1] == f"bytes={K}-" and out.read_bytes() == PAYLOAD


def test_http_complete_part_is_verified_not_requested_again(server, tmp_path):
    """A .part that already holds every byte (interrupted before the rename) must not end in 416 Range Not
    Satisfiable; with a known size no request is needed at all."""
    srv = server()
    (tmp_path / "train.h5.part").write_bytes(PAYLOAD)
    out = D.fetch(http_file(srv), tmp_path)
    assert out.read_bytes() == PAYLOAD and srv.requests == []
    assert leftovers(tmp_path) == ["train.h5", "train.h5.sha256"]
    # unknown size: the server's 416 says the part is complete
    srv2 = server()
    d = tmp_path / "nosize"
    d.mkdir()
    (d / "train.h5.part").write_bytes(PAYLOAD)
    out = D.fetch(http_file(srv2, size=None), d)
    assert srv2.statuses == [416] and out.read_bytes() == PAYLOAD


def test_http_part_longer_than_the_file_is_discarded(server, tmp_path):
    srv = server()
    (tmp_path / "train.h5.part").write_bytes(PAYLOAD + b"stale tail")  # e.g. left by another version of the file
    out = D.fetch(http_file(srv), tmp_path)
    assert srv.ranges == [None] and srv.served == len(PAYLOAD) and out.read_bytes() == PAYLOAD
