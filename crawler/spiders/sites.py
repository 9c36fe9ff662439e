"""One NewsSpider subclass per site profile, generated: ``scrapy crawl <profile name>``; no site code here.

The profiles are the built-in ones and those of the KZNEWS_SITES_FILE file, read as this module is loaded:
a bad file stops the loading with crawler.usererrors.SitesFileError, one line naming the field.
"""

from __future__ import annotations

import re

from crawler.profiles import PROFILES
from crawler.profiles.schema import SiteProfile
from crawler.spiders.base import NewsSpider


def spider_class_for(profile: SiteProfile) -> type[NewsSpider]:
    """A NewsSpider subclass named after the profile (``kazinform`` -> ``KazinformSpider``)."""
    class_name = "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", profile.name)) + "Spider"
    return type(
        class_name,
        (NewsSpider,),
        {
            "name": profile.name,
            "profile": profile,
            "__module__": __name__,  # Scrapy only loads spider classes defined in the module it walks
            "__doc__": f"Crawl {profile.title}: editions {', '.join(profile.editions)}.",
        },
    )


SPIDERS: dict[str, type[NewsSpider]] = {name: spider_class_for(p) for name, p in PROFILES.items()}
"""Spider class by site name."""

globals().update({cls.__name__: cls for cls in SPIDERS.values()})
