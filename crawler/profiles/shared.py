"""Markup and phrases shared by the Kazakh news sites: ad slots, share widgets, AMP twins, agency names."""

from __future__ import annotations

from pipelines import rules

AD_SLOTS = rules.AD_SLOTS
"""Advertising containers that can sit inside an article body (the core removes them on the generic path)."""

SHARE_WIDGETS = rules.SHARE_WIDGETS
"""Share and follow-us widgets (on the generic path trafilatura and the text rules drop them)."""

MEDIA_CHROME = ("script", "style", "noscript", "iframe", "figcaption")
"""Elements that never hold article text (captions are credited separately by the core)."""

AMP_TWINS = (
    r"^/amp/",  # tengrinews: <link rel="amphtml" href="https://tengrinews.kz/amp/"> [seen homepage]
    r"/amp/?$",  # Kazinform old design: /en/<slug>_a3823445/amp [seen pages corpus]
)
"""Path patterns of AMP variants: the same story as the canonical page, never crawled twice."""

KAZINFORM_AGENCY = ("KAZINFORM", "Kazinform", "ҚазАқпарат", "Казинформ")
"""Names of the state agency in datelines ("ASTANA. KAZINFORM –"); other sites reprint its stories too."""
