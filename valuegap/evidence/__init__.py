"""Claim tests on samples, multiplicity, verdicts in words, the value gap in money, and their charts."""
