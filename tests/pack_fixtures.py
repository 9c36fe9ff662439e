"""``python -m tests.pack_fixtures OUT.warc.gz [--manifest PATH]``: pack the fixture site into a WARC."""

from __future__ import annotations

import argparse
import sys

from crawler.fixturesite import DEFAULT_MANIFEST, pack_fixture_site


def main(argv: list[str] | None = None) -> int:
    """Write every manifest page as one WARC response record; print the count."""
    parser = argparse.ArgumentParser(prog="python -m tests.pack_fixtures", description=__doc__)
    parser.add_argument("out", help="the .warc.gz to write")
    parser.add_argument("--manifest", default=str(DEFAULT_MANIFEST), help="fixture manifest.json")
    args = parser.parse_args(argv)
    packed = pack_fixture_site(args.manifest, args.out)
    print(f"{packed.path}: {len(packed.offsets)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
