"""Understanding residents' free text: text in, Parse out (no database, channels or settings)."""
