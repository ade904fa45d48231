"""Customer turns: the conversation service that runs one turn, and the hub that delivers its frames."""
