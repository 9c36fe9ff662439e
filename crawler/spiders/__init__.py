"""Spiders of the kznews crawler: NewsSpider (base.py) and one generated subclass per site (sites.py)."""
