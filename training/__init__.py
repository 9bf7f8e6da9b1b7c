"""Training side: labelled text in, a verified model folder out."""
