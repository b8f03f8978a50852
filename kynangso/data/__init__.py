"""Data shipped with the package: reference tables and generators for lessons and exercises."""
