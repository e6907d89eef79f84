"""The built-in primitive Functions, grouped by kind."""
