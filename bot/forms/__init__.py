"""Forms: ordered questions, each asked and taken in turn, answers kept on a wrong reply."""
