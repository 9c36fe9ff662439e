import json

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.fixturesite import DEFAULT_MANIFEST, load_manifest, pack_fixture_site
from tests.pack_fixtures import main


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


def test_pack_writes_one_response_record_per_url(tmp_path, capsys):
    out = tmp_path / "site.warc.gz"
    assert main([str(out)]) == 0
    assert "records" in capsys.readouterr().out
    pages = load_manifest()
    with open(out, "rb") as fh:
        records = [r for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert [r.rec_headers.get_header("WARC-Target-URI") for r in records] == list(pages)
    redirect = next(r for r in records if r.http_headers.get_statuscode() == "301")
    assert redirect.http_headers.get_header("Location").endswith("-3f9b12")
    assert len(pack_fixture_site(DEFAULT_MANIFEST, tmp_path / "again.warc.gz")) == len(pages)
