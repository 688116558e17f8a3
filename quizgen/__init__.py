"""quizgen: turn a hand-written YAML question bank into Anki decks, printable quizzes
and a terminal quiz with spaced-repetition review."""

__version__ = "0.1.0"
