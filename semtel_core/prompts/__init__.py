"""Prompt layer: classifier registry over prompts/*.prompty, label models, normalization, token budget."""
