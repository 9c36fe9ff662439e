"""``python -m crawler.cli``: the `kznews` command (what ``kznews harvest --every`` runs each cycle as)."""

import sys

from crawler.cli import main

sys.exit(main())
