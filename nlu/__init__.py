"""Understanding residents' free text: text in, Parse out (no database, no channels, no settings)."""
