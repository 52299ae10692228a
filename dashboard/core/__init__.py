"""The vocabulary every layer shares: domain terms (roles, functions, waves,
the default norm), user-facing text in Dutch and English, and what makes text
safe in a spreadsheet. Imports nothing of the dashboard."""
