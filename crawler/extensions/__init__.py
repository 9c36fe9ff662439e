"""Scrapy extensions of kznews."""
