"""Topics found in the conversations themselves (``semtel topics discover``): clusters of the scrubbed user turns'
embeddings, named from their distinctive terms, grouped into parents, shown only above a privacy threshold."""
