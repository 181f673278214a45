"""Metrics over the catalog and over workflow runs, and the HTML report built from them."""
