"""How long-running work shows progress to the person running it."""
