"""Errors in what a user gave (a file, a setting) found below the command line, which prints them as one line.

They live outside the packages that raise them: ``SitesFileError`` is raised while ``crawler.profiles`` is
being imported, so a command could not import it from there to catch it.
"""

from __future__ import annotations


class SitesFileError(ValueError):
    """The KZNEWS_SITES_FILE file cannot be used; the message is one line naming the file, the field and the
    fix."""
