"""Scripts that print figures: extraction quality gate, AEB variants, timings."""
