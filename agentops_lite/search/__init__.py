"""Search: text analysis, the BM25F index, and the stages that order a query's candidates."""
