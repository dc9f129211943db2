"""The edges: HTTP app, webhooks, console, command line and settings."""
