"""Topics found in the conversations themselves (``semtel topics discover``): clusters of the scrubbed user turns'
embeddings, named from their distinctive terms, grouped into parents, shown only above a privacy threshold."""

# Where the weekly run's emerging-topics step keeps a week's outputs (here, so readers need not import the step).
TOPICS_DIR = "topics"
VECTORS_FILE = "vectors.parquet"
SUMMARY_FILE = "emerging.json"
