"""Vocabulary and helpers shared by every app, at the bottom of the layering.

`core` imports no other app of the project; every app may import it.
"""
