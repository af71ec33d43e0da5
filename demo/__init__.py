"""Demonstration content, on top of the layering: no other app imports it.

`manage.py load_demo` runs the loaders of `demo.loaders` in order; they create the content
through the services of the apps below (imports, ingestion, the portal), from the data files of
`demo/data/` (read by `demo.datafiles`). `demo.generator` writes synthetic job postings for the
demo, the tests and the benchmarks.
"""
