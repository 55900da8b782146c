"""From a parsed article to its record: the spaCy components and the stages they run."""
