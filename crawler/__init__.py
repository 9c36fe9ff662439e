"""Scrapy project of kznews: settings, site profiles, spiders, middlewares, extensions, CLI."""
