import json
import re
from datetime import datetime

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from crawler.fixturesite import DEFAULT_MANIFEST, FIXTURE_NOW, load_manifest, pack_fixture_site
from tests.fixture_data import GOLDENS
from tests.pack_fixtures import main

OLD_DESIGN = {  # pages saved before a redesign, in the old markup, for the dated layouts
    "https://tengrinews.kz/kazakhstan_news/v-nur-sultane-vyipal-pervyiy-sneg-384512/": (
        "2019-11-15T16:20:00+06:00"
    ),
    "https://www.inform.kz/ru/iz-astany-za-nedelyu-vyvezli-bolee-120-tysyach-tonn-snega-4b7e12": (
        "2026-02-13T15:00:00+05:00"
    ),
}


def test_manifest_pages_have_bodies_and_content_types():
    pages = load_manifest()
    assert len(pages) > 40
    for url, page in pages.items():
        assert "charset=" in page.headers["Content-Type"], url
        assert page.body or page.location, url


def test_missing_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "manifest.json"
    bad.write_text(json.dumps({"https://x.kz/": {"file": "nope.html", "status": 200, "headers": {}}}))
    with pytest.raises(ValueError, match=r"missing file nope\.html"):
        load_manifest(bad)


def test_a_page_is_fetched_at_fixture_now_unless_it_gives_its_own_fetched_at():
    pages = load_manifest()
    for url, fetched_at in OLD_DESIGN.items():
        assert pages[url].fetched_at == datetime.fromisoformat(fetched_at)
    assert {page.fetched_at for url, page in pages.items() if url not in OLD_DESIGN} == {FIXTURE_NOW}


def test_a_fetched_at_without_offset_is_a_clear_error(tmp_path):
    bad = tmp_path / "manifest.json"
    entry = {"status": 200, "headers": {}, "fetched_at": "2019-11-15T16:20"}
    bad.write_text(json.dumps({"https://x.kz/": entry}))
    with pytest.raises(ValueError, match="fetched_at without an offset"):
        load_manifest(bad)


def test_pages_the_crawls_leave_out_are_linked_from_no_other_page():
    pages = load_manifest()
    left_out = [url for url, golden in GOLDENS.items() if not golden["crawled"]]
    assert sorted(left_out) == sorted(OLD_DESIGN)
    for url in left_out:
        path = url.split("://", 1)[1].split("/", 1)[1]  # relative links and other schemes count too
        assert not [other for other, page in pages.items() if other != url and path.encode() in page.body]


def test_pack_writes_one_response_record_per_url(tmp_path, capsys):
    out = tmp_path / "site.warc.gz"
    assert main([str(out)]) == 0
    assert "records" in capsys.readouterr().out
    pages = load_manifest()
    with open(out, "rb") as fh:
        records = [r for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert [r.rec_headers.get_header("WARC-Target-URI") for r in records] == list(pages)
    dates = [iso_date_to_datetime(r.rec_headers.get_header("WARC-Date"), tz_aware=True) for r in records]
    assert dates == [page.fetched_at for page in pages.values()]
    redirect = next(r for r in records if r.http_headers.get_statuscode() == "301")
    assert redirect.http_headers.get_header("Location").endswith("-3f9b12")
    assert len(pack_fixture_site(DEFAULT_MANIFEST, tmp_path / "again.warc.gz").offsets) == len(pages)


def test_packing_never_rewrites_an_archive(tmp_path):
    """Stored articles point into the archive: the same manifest leaves it as it is (same bytes, same
    file), another manifest goes to a content-named file beside it."""
    manifests = {}
    for name, status in (("one", 404), ("other", 410)):
        manifests[name] = tmp_path / f"{name}.json"
        manifests[name].write_text(json.dumps({"https://www.inform.kz/gone": {"status": status}}))
    out = tmp_path / "warc" / "site.warc.gz"
    out.parent.mkdir()

    first = pack_fixture_site(manifests["one"], out)
    kept = (out.read_bytes(), out.stat().st_ino, out.stat().st_mtime_ns)
    again = pack_fixture_site(manifests["one"], out)
    other = pack_fixture_site(manifests["other"], out)
    other_again = pack_fixture_site(manifests["other"], out)

    assert first.path == again.path == out and first.offsets == again.offsets
    assert (out.read_bytes(), out.stat().st_ino, out.stat().st_mtime_ns) == kept
    assert re.fullmatch(r"site-[0-9a-f]{12}\.warc\.gz", other.path.name) and other.path.parent == out.parent
    assert other_again == other
    with open(other.path, "rb") as fh:
        (record,) = [r for r in ArchiveIterator(fh) if r.rec_type == "response"]
        assert record.http_headers.get_statuscode() == "410"
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        [out.name, f"{out.name}.cdxj", other.path.name, f"{other.path.name}.cdxj"]
    )
