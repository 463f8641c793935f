"""The static site, whole: the build (Python), charts and feeds beside templates/ and static/.

Imported as ``pricewatch.site`` (setuptools maps the folder), so it never shadows the
standard library's ``site``. It reads the store through its read-only reader and calls the
analysis; nothing below it imports it.
"""
