"""Unit mergers: re-pointing dossiers, work, catalogue and staff from a merged unit to its
successor."""
