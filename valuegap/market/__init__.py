"""Competitors: offers, relative performance and the customer value map; market files and charts."""
