"""Kỹ Năng Số: a Jupyter platform for teaching digital skills in Vietnam."""

__version__ = "0.1.0"
