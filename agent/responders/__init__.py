"""Responders turn retrieved passages and a tone into the bot's reply."""
