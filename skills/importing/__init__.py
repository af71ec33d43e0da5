"""Readers for the files the taxonomy is imported from: the vendored ESCO and ROME exports and
shortage lists. Readers locate and decode files and yield their rows (through `core.tabular`);
`skills.services` validates the rows and writes them.
"""
