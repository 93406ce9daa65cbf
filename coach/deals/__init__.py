"""Deals from the CRM: CSV import with presets per CRM (the web pages and API come with the reviews issue)."""
