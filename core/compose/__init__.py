"""Compose and export: personalised mail merge with rules, recommendations and A/B tests."""
