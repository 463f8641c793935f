"""pricewatch: a tracker of LLM API prices.

Subpackages: ``pricewatch.scraper`` (getting prices in, the store),
``pricewatch.analysis`` (pure computations), ``pricewatch.cli`` (the front door).
"""

__version__ = "0.1.0"
