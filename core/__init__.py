"""Shared plumbing for every app: versioning and saving with validation, the history in words,
base forms and their renderer, view helpers. It imports no app of the project."""
