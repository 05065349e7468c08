"""phonghop package."""
