"""Help for writing banks: source coverage, the JSON Schema, new banks, spreadsheets, watching.

Each module stands on the input wing (:mod:`quizgen.bank`) and knows nothing of click;
the commands in :mod:`quizgen.cli` are thin faces over them.
"""
