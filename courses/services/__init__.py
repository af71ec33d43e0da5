"""Writes to the cadastre. Every important mutation has one entry point here."""
