"""The book's exceptions."""
from __future__ import annotations


class BookError(ValueError):
    """A notebook, its metadata or the book configuration is not as expected."""


class ParameterError(BookError):
    """An unknown parameter, a value of the wrong type, or a parameters cell that cannot be parsed."""
