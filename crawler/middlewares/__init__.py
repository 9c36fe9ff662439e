"""Scrapy downloader middlewares of the kznews crawler."""
