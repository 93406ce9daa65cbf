"""Content as code: loading, validating, rendering and syncing content/, and question formats."""
