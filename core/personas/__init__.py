"""Personas: segments turned into people a marketer can write to, and their export."""
