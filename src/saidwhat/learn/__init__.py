"""Training the engine's models and scoring predictions against gold."""
