"""The taxonomy's Wagtail admin: viewsets, views, forms, choosers and permission policies.

Wired from `skills.wagtail_hooks`. Nothing is imported here: Django's admin autodiscovery
imports this package at start-up.
"""
