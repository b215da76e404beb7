"""The synthetic training corpus: template families, slot values, noise, and the generator."""
