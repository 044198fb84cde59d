"""Pure data code: seed parsing, the archive and its queries. Never imports Qt."""
