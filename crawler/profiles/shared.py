"""Markup and phrases shared by the Kazakh news sites: ad slots, share widgets, AMP twins, agency names."""

from __future__ import annotations

AD_SLOTS = (
    "[id^='adfox_']",  # Yandex adfox containers on every tengrinews page [seen homepage 2024-10]
    "[id*='adfox']",  # Kazinform body cleaners remove these [code Greemq/ainews kazinform_parser.py]
    ".adfox",
    "ins.adsbygoogle",  # AdSense slots [seen tengrinews homepage]
    # Yandex RTB: class="UZznxc yandex_rtb_R-A-2448216-4" on the real tengrinews homepage [seen kz-sites.md
    # §14]; the block id sits inside a class token, which a ".yandex_rtb" class selector misses.
    "[class*='yandex_rtb']",
)
"""Advertising containers that can sit inside an article body."""

SHARE_WIDGETS = (
    "[data-share-root]",  # tengrinews share block [code yelzha/tengrinews-open-project]
    ".share",
    ".social-buttons",
)
"""Share and follow-us widgets."""

MEDIA_CHROME = ("script", "style", "noscript", "iframe", "figcaption")
"""Elements that never hold article text (captions are credited separately by the core)."""

AMP_TWINS = (
    r"^/amp/",  # tengrinews: <link rel="amphtml" href="https://tengrinews.kz/amp/"> [seen homepage]
    r"/amp/?$",  # Kazinform old design: /en/<slug>_a3823445/amp [seen pages corpus]
)
"""Path patterns of AMP variants: the same story as the canonical page, never crawled twice."""

KAZINFORM_AGENCY = ("KAZINFORM", "Kazinform", "ҚазАқпарат", "Казинформ")
"""Names of the state agency in datelines ("ASTANA. KAZINFORM –"); other sites reprint its stories too."""
