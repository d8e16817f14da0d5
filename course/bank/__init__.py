"""The question bank in the database: versioned questions per organisation, import/export commands."""
