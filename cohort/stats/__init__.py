"""Statistics per term and across terms, and closing a term (issue 16)."""
