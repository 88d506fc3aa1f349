"""Data files of wirewatch.resolve (gazetteer, actor dictionary, word lists) and their build script."""
