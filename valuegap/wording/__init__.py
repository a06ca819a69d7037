"""Claim copy: wording checks that need no data, claims drafted from marketing copy, defensible rewording."""
