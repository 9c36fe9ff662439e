"""Tests for crawler/warcstore.py: writing, rotating, indexing and reading WARC records."""

import gzip
import hashlib
import json
import os
import random
import string
from datetime import UTC, datetime
from io import BytesIO
from urllib.parse import urldefrag

import pytest
from scrapy.http import HtmlResponse, Request
from w3lib.url import safe_url_string
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warcindex import SAFE_URL, cdxj_path, load_cdxj, load_legacy_index
from crawler.warcstore import WarcReplayStore, iter_responses, read_record, url_key
from crawler.warcwriter import WarcWriterStore, write_archive

HTML = "<html><head><title>{}</title></head><body><p>Мақала {}</p></body></html>"


def page(n: int) -> bytes:
    return HTML.format(n, n).encode()


def records_of(path):
    with open(path, "rb") as fh:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers)
            for r in ArchiveIterator(fh)
        ]


def exchange(url: str, body: bytes, status: int = 200, headers=None):
    request = Request(url, headers={"User-Agent": "kznews-test"})
    headers = headers or {"Content-Type": "text/html; charset=utf-8"}
    return request, HtmlResponse(url, status=status, headers=headers, body=body, request=request)


class TestWriteArchive:
    def test_offsets_point_at_each_response_record(self, tmp_path):
        path = tmp_path / "fixture.warc.gz"
        entries = [
            (f"http://fixture.invalid/{n}", 200, {"Content-Type": "text/html"}, page(n)) for n in range(3)
        ]

        offsets = write_archive(path, entries)

        assert len(offsets) == 3 and offsets == sorted(offsets) and offsets[0] > 0  # warcinfo comes first
        for (url, status, _headers, body), offset in zip(entries, offsets, strict=True):
            archived = read_record(path, offset)
            assert (archived.url, archived.status, archived.body) == (url, status, body)
            assert archived.header("content-type") == "text/html"
            assert archived.file == str(path) and archived.offset == offset

    def test_file_is_gzip_and_starts_with_warcinfo(self, tmp_path):
        path = tmp_path / "fixture.warc.gz"
        write_archive(path, [("http://fixture.invalid/", 200, {}, b"x")])

        assert path.read_bytes()[:2] == b"\x1f\x8b"
        assert gzip.decompress(path.read_bytes()).startswith(b"WARC/1.1\r\nWARC-Type: warcinfo")
        assert [kind for kind, _, _ in records_of(path)] == ["warcinfo", "response"]

    def test_fetched_at_is_kept_as_warc_date(self, tmp_path):
        path = tmp_path / "fixture.warc.gz"
        when = datetime(2024, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
        (offset,) = write_archive(path, [("http://fixture.invalid/", 200, {}, b"x", when)])

        assert read_record(path, offset).fetched_at == when

    def test_iter_responses_yields_all_with_their_offsets(self, tmp_path):
        path = tmp_path / "fixture.warc.gz"
        entries = [(f"http://fixture.invalid/{n}", 200, {}, page(n)) for n in range(4)]
        offsets = write_archive(path, entries)

        found = list(iter_responses(path))

        assert [a.url for a in found] == [e[0] for e in entries]
        assert [a.offset for a in found] == offsets
        assert [a.body for a in found] == [e[3] for e in entries]

    def test_read_record_rejects_an_offset_that_is_not_a_response(self, tmp_path):
        path = tmp_path / "fixture.warc.gz"
        write_archive(path, [("http://fixture.invalid/", 200, {}, b"x")])

        with pytest.raises(ValueError, match="warcinfo"):
            read_record(path, 0)


class TestContentEncoding:
    def test_decoded_by_default_and_as_sent_on_request(self, tmp_path):
        path = tmp_path / "gz.warc.gz"
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        (offset,) = write_archive(path, [("http://fixture.invalid/", 200, headers, gzip.compress(page(1)))])

        decoded = read_record(path, offset)
        raw = read_record(path, offset, decode_content=False)

        assert decoded.body == page(1) and decoded.header("Content-Encoding") is None
        assert gzip.decompress(raw.body) == page(1) and raw.header("Content-Encoding") == "gzip"

    def test_chunked_framing_from_other_tools_is_undone(self, tmp_path):
        path = tmp_path / "chunked.warc.gz"
        body = b"5\r\nhello\r\n0\r\n\r\n"
        with open(path, "wb") as fh:  # as wget and some proxies archive it: framing kept in the payload
            writer = WARCWriter(fh, gzip=True)
            headers = StatusAndHeaders("200 OK", [("Transfer-Encoding", "chunked")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                "http://fixture.invalid/",
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=headers,
            )
            writer.write_record(record)
        offset = 0

        archived = read_record(path, offset, decode_content=False)

        assert archived.body == b"hello" and archived.header("Transfer-Encoding") is None


class TestWarcWriterStore:
    def test_writes_warcinfo_response_and_request_records(self, tmp_path):
        store = WarcWriterStore(tmp_path / "warc", 10**9, "tengrinews")
        store.open()
        request, response = exchange("http://fixture.invalid/a?x=1", page(1))

        name, offset = store.store(request, response)
        store.close()

        (path,) = store.files
        assert str(path) == name and path.parent == tmp_path / "warc"  # the path: what articles point to
        assert path.name.startswith("kznews-tengrinews-") and name.endswith("-00000.warc.gz")
        kinds = records_of(path)
        assert [k for k, _, _ in kinds] == ["warcinfo", "response", "request"]
        response_id = kinds[1][2].get_header("WARC-Record-ID")
        assert kinds[2][2].get_header("WARC-Concurrent-To") == response_id
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            next(records)
            next(records)
            assert records.get_record_offset() == offset  # the pointer is the response record's
            request_record = next(records)
        assert request_record.http_headers.protocol == "GET"
        assert request_record.http_headers.statusline == "/a?x=1 HTTP/1.1"
        assert request_record.http_headers.get_header("Host") == "fixture.invalid"
        assert request_record.http_headers.get_header("User-Agent") == "kznews-test"

    def test_offset_gives_back_status_headers_body_url(self, tmp_path):
        store = WarcWriterStore(tmp_path, 10**9, "kazinform")
        store.open()
        request, response = exchange("http://fixture.invalid/moved", b"", 301, {"Location": "/new"})

        name, offset = store.store(request, response)
        store.close()

        archived = read_record(tmp_path / name, offset)
        assert (archived.url, archived.status, archived.body) == ("http://fixture.invalid/moved", 301, b"")
        assert archived.header("Location") == "/new"

    def test_transfer_encoding_is_not_archived(self, tmp_path):
        store = WarcWriterStore(tmp_path, 10**9, "s")
        store.open()
        headers = {"Content-Type": "text/html", "Transfer-Encoding": "chunked"}
        name, offset = store.store(*exchange("http://fixture.invalid/", page(1), headers=headers))
        store.close()

        archived = read_record(tmp_path / name, offset, decode_content=False)
        assert archived.body == page(1) and archived.header("Transfer-Encoding") is None

    def test_rotates_at_max_bytes_with_warcinfo_in_each_file(self, tmp_path):
        store = WarcWriterStore(tmp_path, 1500, "s")
        store.open()
        pointers = [store.store(*exchange(f"http://fixture.invalid/{n}", page(n) * 20)) for n in range(6)]
        store.close()

        assert len(store.files) >= 3
        assert [p.name[-13:] for p in store.files] == [f"{i:05d}.warc.gz" for i in range(len(store.files))]
        for path in store.files:
            assert records_of(path)[0][0] == "warcinfo"
        for n, (name, offset) in enumerate(pointers):
            assert read_record(tmp_path / name, offset).body == page(n) * 20

    def test_never_overwrites_an_existing_file(self, tmp_path):
        now = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
        first, second = WarcWriterStore(tmp_path, 10**9, "s"), WarcWriterStore(tmp_path, 10**9, "s")
        for store in (first, second):
            store.open()
            store.store(*exchange("http://fixture.invalid/", b"x"), fetched_at=now)
            store.close()

        assert first.files[0] != second.files[0]
        assert len(list(tmp_path.glob("*.warc.gz"))) == 2


class TestWarcReplayStore:
    def test_latest_warc_date_wins_across_files(self, tmp_path):
        url = "http://fixture.invalid/a"
        newer = datetime(2024, 5, 1, tzinfo=UTC)
        older = datetime(2023, 5, 1, tzinfo=UTC)
        # the newer capture sits in the file read first, so order alone would pick the wrong one
        write_archive(tmp_path / "a.warc.gz", [(url, 200, {}, b"new", newer)])
        write_archive(tmp_path / "b.warc.gz", [(url, 200, {}, b"old", older)])
        store = WarcReplayStore(tmp_path)
        store.open()

        assert store.retrieve(url).body == b"new"

    def test_of_two_captures_in_one_second_the_later_record_wins(self, tmp_path):
        """CDXJ keeps seconds and sorts a URL's lines by their JSON: record order must decide the tie."""
        url = "http://fixture.invalid/a"
        when = datetime(2024, 5, 1, 8, 30, 0, 100, tzinfo=UTC)
        bodies = [b"capture %d" % n for n in range(6)]
        write_archive(tmp_path / "a.warc.gz", [(url, 200, {}, body, when) for body in bodies])
        store = WarcReplayStore(tmp_path)
        store.open()

        assert store.retrieve(url).body == bodies[-1]

    def test_indexes_a_directory_of_files(self, tmp_path):
        (tmp_path / "sub").mkdir()
        for n in range(3):
            target = (tmp_path / "sub" if n else tmp_path) / f"{n}.warc.gz"
            write_archive(target, [(f"http://fixture.invalid/{n}", 200, {}, page(n))])
        (tmp_path / "notes.txt").write_text("not a warc")
        store = WarcReplayStore(tmp_path)
        store.open()

        assert len(store.files) == 3
        for n in range(3):
            hit = store.retrieve(f"http://fixture.invalid/{n}")
            assert hit.body == page(n) and hit.file.endswith(f"{n}.warc.gz")
        assert store.retrieve("http://fixture.invalid/9") is None

    def test_responses_to_other_methods_are_not_indexed(self, tmp_path):
        store = WarcWriterStore(tmp_path, 10**9, "s")
        store.open()
        request = Request("http://fixture.invalid/form", method="POST", body=b"q=1")
        store.store(request, HtmlResponse(request.url, body=b"posted", request=request))
        store.close()
        replay = WarcReplayStore(tmp_path)
        replay.open()

        assert replay.retrieve("http://fixture.invalid/form") is None

    def test_lookup_ignores_fragment_and_escaping(self, tmp_path):
        write_archive(tmp_path / "a.warc.gz", [("http://fixture.invalid/жаңалық", 200, {}, b"kk")])
        store = WarcReplayStore(tmp_path)
        store.open()

        assert (
            store.retrieve("http://fixture.invalid/%D0%B6%D0%B0%D2%A3%D0%B0%D0%BB%D1%8B%D2%9B#top").body
            == b"kk"
        )
        assert url_key("http://fixture.invalid/a#b") == "http://fixture.invalid/a"

    def test_index_holds_pointers_not_bodies(self, tmp_path):
        write_archive(tmp_path / "a.warc.gz", [("http://fixture.invalid/", 200, {}, b"x" * 100_000)])
        store = WarcReplayStore(tmp_path)
        store.open()

        assert store.index == {
            "http://fixture.invalid/": (0, store.retrieve("http://fixture.invalid/").offset)
        }

    def test_damaged_file_keeps_the_records_before_the_damage(self, tmp_path, caplog):
        good = tmp_path / "good.warc.gz"
        entries = [(f"http://fixture.invalid/{n}", 200, {}, page(n)) for n in range(4)]
        offsets = write_archive(good, entries)
        data = good.read_bytes()
        (tmp_path / "bad.warc.gz").write_bytes(data[: offsets[2]] + b"garbage" * 50 + data[offsets[2] :])
        good.unlink()
        store = WarcReplayStore(tmp_path)
        store.open()

        assert sorted(store.index) == ["http://fixture.invalid/0", "http://fixture.invalid/1"]
        assert "Stopped indexing" in caplog.text

    def test_missing_path_fails_loudly(self, tmp_path):
        with pytest.raises(FileNotFoundError):
            WarcReplayStore(tmp_path / "nope")
        with pytest.raises(FileNotFoundError, match="no WARC file"):
            WarcReplayStore(tmp_path)


class TestReplayIndex:
    """CDXJ indexes (crawler/warcindex.py): written with each archive, used while not older than it."""

    def test_write_archive_leaves_a_sorted_cdxj_index(self, tmp_path):
        path = tmp_path / "a.warc.gz"
        when = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        urls = ["http://fixture.invalid/b", "http://fixture.invalid/a"]
        offsets = write_archive(path, [(url, 200, headers, page(n), when) for n, url in enumerate(urls)])

        lines = cdxj_path(path).read_text().splitlines()
        assert lines == sorted(lines) and len(lines) == 2
        key, stamp, fields = lines[0].split(" ", 2)
        assert (key, stamp) == ("invalid,fixture)/a", "20240501083000")
        fields = json.loads(fields)
        assert list(fields) == ["url", "mime", "status", "digest", "length", "offset", "filename"]
        assert fields["url"] == urls[1] and fields["mime"] == "text/html" and fields["status"] == "200"
        assert (fields["offset"], fields["filename"]) == (str(offsets[1]), "a.warc.gz")
        assert int(fields["offset"]) + int(fields["length"]) == path.stat().st_size
        assert sorted((e.key, e.offset, e.timestamp) for e in load_cdxj(path)) == sorted(
            (url, offsets[n], "20240501083000") for n, url in enumerate(urls)
        )

    def test_writer_store_indexes_each_closed_file_get_only(self, tmp_path):
        store = WarcWriterStore(tmp_path, 10**9, "s")
        store.open()
        _, offset = store.store(*exchange("http://fixture.invalid/a", page(1)))
        post = Request("http://fixture.invalid/form", method="POST", body=b"q=1")
        store.store(post, HtmlResponse(post.url, body=b"posted", request=post))
        store.close()

        (entry,) = load_cdxj(store.files[0])
        assert (entry.key, entry.offset) == ("http://fixture.invalid/a", offset)
        (line,) = cdxj_path(store.files[0]).read_text().splitlines()
        fields = json.loads(line.split(" ", 2)[2])
        with open(store.files[0], "rb") as fh:  # length: the response record's gzip member, no more
            fh.seek(offset + int(fields["length"]))
            assert next(r.rec_type for r in ArchiveIterator(fh)) == "request"

    def test_replay_uses_the_index_without_scanning(self, tmp_path, monkeypatch):
        path = tmp_path / "a.warc.gz"
        write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        monkeypatch.setattr(WarcReplayStore, "_scan", lambda file: pytest.fail("scanned"))
        store = WarcReplayStore(path)
        store.open()

        assert store.retrieve("http://fixture.invalid/a").body == page(1)

    def test_missing_index_is_built_and_saved(self, tmp_path):
        path = tmp_path / "a.warc.gz"
        write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        written = cdxj_path(path).read_text()
        cdxj_path(path).unlink()
        WarcReplayStore(path).open()

        assert cdxj_path(path).read_text() == written  # the scan writes what the writer wrote

    def test_index_older_than_its_warc_is_ignored_and_rebuilt(self, tmp_path):
        path = tmp_path / "a.warc.gz"
        write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        stale = cdxj_path(path).read_text()
        write_archive(path, [("http://fixture.invalid/b", 200, {}, page(2))])  # same name, new content
        cdxj_path(path).write_text(stale)
        os.utime(cdxj_path(path), (0, 0))
        store = WarcReplayStore(path)
        store.open()

        assert store.retrieve("http://fixture.invalid/a") is None
        assert store.retrieve("http://fixture.invalid/b").body == page(2)
        assert [e.key for e in load_cdxj(path)] == ["http://fixture.invalid/b"]

    def test_post_revisit_and_meta_lines_are_not_replayed(self, tmp_path):
        path = tmp_path / "a.warc.gz"
        (offset,) = write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        (line,) = cdxj_path(path).read_text().splitlines()
        key, stamp, fields = line.split(" ", 2)
        post = json.dumps({**json.loads(fields), "method": "POST", "offset": "999"})
        revisit = json.dumps({**json.loads(fields), "mime": "warc/revisit", "offset": "998"})
        meta = '!meta 0 {"format": "cdxj-gzip-1.0"}'
        cdxj_path(path).write_text(
            "\n".join([meta, line, f"{key} {stamp} {post}", f"{key} {stamp} {revisit}"])
        )

        assert [(e.key, e.offset) for e in load_cdxj(path)] == [("http://fixture.invalid/a", offset)]

    def test_legacy_json_lines_index_still_serves_replay(self, tmp_path, monkeypatch):
        """Archives indexed before CDXJ: their .idx.jsonl is read while it matches the file."""
        path = tmp_path / "a.warc.gz"
        (offset,) = write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        cdxj_path(path).unlink()
        with open(path, "rb") as fh:
            fh.seek(max(path.stat().st_size - 65_536, 0))
            tail = hashlib.sha1(fh.read()).hexdigest()
        header = {"kznews_replay_index": 1, "size": path.stat().st_size, "tail_sha1": tail}
        row = {
            "key": "http://fixture.invalid/a",
            "offset": offset,
            "date": "2024-05-01T08:30:00+00:00",
            "status": 200,
        }
        legacy = path.with_name(path.name + ".idx.jsonl")
        legacy.write_text(json.dumps(header) + "\n" + json.dumps(row) + "\n")
        monkeypatch.setattr(WarcReplayStore, "_scan", lambda file: pytest.fail("scanned"))
        store = WarcReplayStore(path)
        store.open()

        assert store.retrieve("http://fixture.invalid/a").body == page(1)
        assert [e.timestamp for e in load_legacy_index(path)] == ["20240501083000"]
        legacy.write_text(json.dumps({**header, "size": 1}) + "\n" + json.dumps(row) + "\n")
        assert load_legacy_index(path) is None  # another file than the one indexed: scanned instead

    def test_read_only_directory_keeps_the_index_in_memory(self, tmp_path, monkeypatch):
        path = tmp_path / "a.warc.gz"
        write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        cdxj_path(path).unlink()

        def refuse(*args, **kwargs):
            raise PermissionError("read-only")

        monkeypatch.setattr("crawler.warcindex.os.replace", refuse)
        store = WarcReplayStore(path)
        store.open()

        assert store.retrieve("http://fixture.invalid/a").body == page(1)
        assert not cdxj_path(path).exists() and list(tmp_path.iterdir()) == [path]

    def test_damaged_index_is_ignored(self, tmp_path, caplog):
        path = tmp_path / "a.warc.gz"
        write_archive(path, [("http://fixture.invalid/a", 200, {}, page(1))])
        cdxj_path(path).write_text("invalid,fixture)/a 20240501083000 {not json\n")
        store = WarcReplayStore(path)
        store.open()

        assert store.retrieve("http://fixture.invalid/a").body == page(1)
        assert "damaged replay index" in caplog.text

    def test_fast_url_key_agrees_with_w3lib(self):
        """SAFE_URL skips w3lib only for URLs w3lib leaves as they are (a seeded sweep of near misses)."""
        chars = string.ascii_letters + string.digits + "._~!$&'()*+,;=:@/?-#%[] \"<>^`{|}\\"
        hosts = ["www.inform.kz", "a.b", "X.kz", "h.kz:8080", "h.kz:80", "h.kz.", "a..b", "-a.b", "1.2.3.4"]
        rng = random.Random(20260428)
        matched = 0
        for _ in range(40_000):
            tail = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
            url = (
                rng.choice(["http://", "https://"])
                + rng.choice(hosts)
                + rng.choice(["", "/", "?", "/a/", "/./"])
                + tail
            )
            if SAFE_URL.fullmatch(url):
                matched += 1
                assert safe_url_string(urldefrag(url)[0]) == url, url
        assert matched > 1000
        assert url_key("https://www.inform.kz/ru/lenta/?page=1") == "https://www.inform.kz/ru/lenta/?page=1"
        assert url_key("http://fixture.invalid/a b") == "http://fixture.invalid/a%20b"

    def test_fast_read_equals_warcio_read(self, tmp_path):
        headers = {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "a=1", "X-Title": "жаңалық"}
        path = tmp_path / "a.warc.gz"
        entries = [
            ("http://fixture.invalid/a", 200, headers, page(1)),
            ("http://fixture.invalid/c", 404, {}, b""),
        ]
        write_archive(path, entries)
        store = WarcReplayStore(path)
        store.open()
        for url in ("http://fixture.invalid/a", "http://fixture.invalid/c"):
            fast = store.retrieve(url)
            assert fast == read_record(path, fast.offset, decode_content=False)
        store.close()

    def test_plain_warc_falls_back_to_warcio(self, tmp_path):
        gz = tmp_path / "a.warc.gz"
        write_archive(gz, [("http://fixture.invalid/a", 200, {}, page(1))])
        plain = tmp_path / "plain" / "a.warc"
        plain.parent.mkdir()
        plain.write_bytes(gzip.decompress(gz.read_bytes()))
        store = WarcReplayStore(plain)
        store.open()

        assert store.retrieve("http://fixture.invalid/a").body == page(1)
