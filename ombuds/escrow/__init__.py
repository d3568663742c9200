"""Matching escrow: sealed entries about a named person, opened only when enough
distinct people have named the same person."""
